-- The app talks to Supabase directly from the browser for projects: lock tables down with RLS.
ALTER TABLE "Project" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Workspace" ENABLE ROW LEVEL SECURITY;

CREATE POLICY "members read projects" ON "Project" FOR SELECT TO authenticated
  USING ("workspaceId" IN (SELECT "workspaceId" FROM "Membership" WHERE "userId" = auth.uid()::text));

CREATE POLICY "anyone can read public projects" ON "Project" FOR SELECT TO authenticated
  USING ("status" = 'published');

CREATE POLICY "creators update projects" ON "Project" FOR UPDATE TO authenticated
  USING ("creatorId" IS NOT NULL);

CREATE POLICY "members manage memberships" ON "Membership" FOR ALL TO authenticated
  USING (true) WITH CHECK (true);

CREATE POLICY "owners read workspaces" ON "Workspace" FOR SELECT TO authenticated
  USING ("ownerId" = (SELECT auth.uid()::text));

-- Coupons are public, policies only document intent (RLS was never enabled on them).
CREATE POLICY "read coupons" ON "Coupon" FOR SELECT TO anon USING (true);
