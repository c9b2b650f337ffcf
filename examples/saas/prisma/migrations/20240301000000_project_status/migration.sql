-- AlterTable
ALTER TABLE "Project" ADD COLUMN "archivedReason" TEXT NOT NULL;
ALTER TABLE "Project" ALTER COLUMN "name" TYPE VARCHAR(120);
ALTER TABLE "User" RENAME COLUMN "password" TO "passwordPlain";
ALTER TABLE "User" RENAME COLUMN "passwordPlain" TO "password";

-- CreateIndex
CREATE INDEX "Project_status_idx" ON "Project"("status");
