DROP TABLE "Project";
DROP TABLE "Membership";
ALTER TABLE "Owner" DROP CONSTRAINT "Owner_workspaceId_fkey";
DROP TABLE "Workspace";
DROP TABLE "Owner";
DROP TABLE "User";
