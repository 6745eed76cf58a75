-- AlterTable
ALTER TABLE "organization" ADD COLUMN "ownerCount" INTEGER NOT NULL DEFAULT 0;

-- How many of the organization's members are owners, kept exact by the same statement-level triggers
-- as "memberCount" plus one on updates (a role changed to or from owner), so organizations.get (which
-- shows it: with one owner, that owner can neither be demoted nor leave) counts no rows. The
-- last-owner rule itself still counts the owners under the organization's membership lock.
UPDATE "organization" o SET "ownerCount" = c."n"
  FROM (SELECT "organizationId", count(*)::int AS "n" FROM "membership" WHERE "role" = 'owner' GROUP BY "organizationId") c
 WHERE o."id" = c."organizationId";

CREATE OR REPLACE FUNCTION "membership_count_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organization" o SET "memberCount" = o."memberCount" + d."n", "ownerCount" = o."ownerCount" + d."owners"
    FROM (SELECT "organizationId", count(*)::int AS "n", (count(*) FILTER (WHERE "role" = 'owner'))::int AS "owners"
            FROM "added" GROUP BY "organizationId") d
   WHERE o."id" = d."organizationId";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "membership_count_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organization" o SET "memberCount" = o."memberCount" - d."n", "ownerCount" = o."ownerCount" - d."owners"
    FROM (SELECT "organizationId", count(*)::int AS "n", (count(*) FILTER (WHERE "role" = 'owner'))::int AS "owners"
            FROM "removed" GROUP BY "organizationId") d
   WHERE o."id" = d."organizationId";
  RETURN NULL;
END $$;

-- Transition tables cannot go with a column list, so this fires on every membership update and
-- touches an organization only when its number of owners changed.
CREATE FUNCTION "membership_owner_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organization" o SET "ownerCount" = o."ownerCount" + d."delta"
    FROM (SELECT "organizationId", sum("delta")::int AS "delta"
            FROM (SELECT "organizationId", 1 AS "delta" FROM "after_update" WHERE "role" = 'owner'
                  UNION ALL
                  SELECT "organizationId", -1 AS "delta" FROM "before_update" WHERE "role" = 'owner') changes
           GROUP BY "organizationId" HAVING sum("delta") <> 0) d
   WHERE o."id" = d."organizationId";
  RETURN NULL;
END $$;

CREATE TRIGGER "membership_owner_count_changed" AFTER UPDATE ON "membership"
  REFERENCING OLD TABLE AS "before_update" NEW TABLE AS "after_update"
  FOR EACH STATEMENT EXECUTE FUNCTION "membership_owner_count_changed"();
