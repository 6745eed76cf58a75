-- AlterTable
ALTER TABLE "organization" ADD COLUMN "memberCount" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "membership_organizationId_id_idx" ON "membership"("organizationId", "id");

-- The member count of each organization, kept exact by the database itself: statement-level triggers
-- add or subtract the rows each INSERT or DELETE on "membership" touched (foreign-key cascades
-- included), in the same transaction. Reads (organizations.get, members.list) then never count rows.
UPDATE "organization" o SET "memberCount" = c."n"
  FROM (SELECT "organizationId", count(*)::int AS "n" FROM "membership" GROUP BY "organizationId") c
 WHERE o."id" = c."organizationId";

CREATE FUNCTION "membership_count_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organization" o SET "memberCount" = o."memberCount" + d."n"
    FROM (SELECT "organizationId", count(*)::int AS "n" FROM "added" GROUP BY "organizationId") d
   WHERE o."id" = d."organizationId";
  RETURN NULL;
END $$;

CREATE FUNCTION "membership_count_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organization" o SET "memberCount" = o."memberCount" - d."n"
    FROM (SELECT "organizationId", count(*)::int AS "n" FROM "removed" GROUP BY "organizationId") d
   WHERE o."id" = d."organizationId";
  RETURN NULL;
END $$;

CREATE TRIGGER "membership_count_added" AFTER INSERT ON "membership"
  REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "membership_count_added"();

CREATE TRIGGER "membership_count_removed" AFTER DELETE ON "membership"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "membership_count_removed"();

-- A membership never moves to another organization; refuse it rather than let the counts drift.
CREATE FUNCTION "membership_organization_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a membership cannot move to another organization';
END $$;

CREATE TRIGGER "membership_organization_fixed" BEFORE UPDATE OF "organizationId" ON "membership"
  FOR EACH ROW WHEN (OLD."organizationId" IS DISTINCT FROM NEW."organizationId")
  EXECUTE FUNCTION "membership_organization_fixed"();
