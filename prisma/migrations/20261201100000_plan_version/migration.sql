-- AlterTable
ALTER TABLE "organization" ADD COLUMN "planVersion" INTEGER NOT NULL DEFAULT 0;

-- A number that changes whenever what decides the organization's seat limit changes: a license
-- assigned, replaced or released, or the assigned license itself changed (revoked, say). A join or an
-- acceptance into an organization without a seat limit decides without holding the membership lock
-- (there is no seat to race for): its one write statement takes the lock, re-reads this on the
-- organization's row and writes only if the plan it read is still the plan, so a change of plan
-- stays ordered with it.
CREATE FUNCTION "organization_plan_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'license' THEN
    UPDATE "organization" o SET "planVersion" = o."planVersion" + 1
      FROM "license_assignment" a WHERE a."licenseId" = NEW."id" AND o."id" = a."organizationId";
  ELSIF TG_OP = 'INSERT' THEN
    UPDATE "organization" SET "planVersion" = "planVersion" + 1 WHERE "id" = NEW."organizationId";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "organization" SET "planVersion" = "planVersion" + 1 WHERE "id" = OLD."organizationId";
  ELSE
    UPDATE "organization" SET "planVersion" = "planVersion" + 1
     WHERE "id" IN (NEW."organizationId", OLD."organizationId");
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "license_assignment_plan_changed" AFTER INSERT OR UPDATE OR DELETE ON "license_assignment"
  FOR EACH ROW EXECUTE FUNCTION "organization_plan_changed"();

CREATE TRIGGER "license_plan_changed" AFTER UPDATE ON "license"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "organization_plan_changed"();
