-- AlterTable
ALTER TABLE "organization" ADD COLUMN "reservationVersion" INTEGER NOT NULL DEFAULT 0;

-- A number that changes whenever the seats pending invitations reserve may have grown: an invitation
-- created (or re-sent, which creates one), an invitation made pending again or given a later expiry,
-- and a member removed (an invitation to them then reserves a seat again). A join with a code into an
-- organization whose plan limits seats counts members plus reservations in its one write statement,
-- which reads the reservations with the snapshot it took before waiting for the membership lock: it
-- compares this number in that snapshot with the one on the locked row, and writes only if they are
-- equal, so the reservations it counted are still all there are (some may have ended meanwhile: that
-- only makes it stricter).
CREATE FUNCTION "organization_reservations_grew"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'membership' THEN
    UPDATE "organization" o SET "reservationVersion" = o."reservationVersion" + 1
     WHERE o."id" IN (SELECT DISTINCT "organizationId" FROM "removed");
  ELSE
    UPDATE "organization" SET "reservationVersion" = "reservationVersion" + 1 WHERE "id" = NEW."organizationId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "invitation_reservation_added" AFTER INSERT ON "invitation"
  FOR EACH ROW WHEN (NEW."pendingEmail" IS NOT NULL) EXECUTE FUNCTION "organization_reservations_grew"();

CREATE TRIGGER "invitation_reservation_extended" AFTER UPDATE ON "invitation"
  FOR EACH ROW WHEN (NEW."pendingEmail" IS NOT NULL AND (
    OLD."pendingEmail" IS DISTINCT FROM NEW."pendingEmail" OR NEW."expiresAt" > OLD."expiresAt"
    OR OLD."organizationId" IS DISTINCT FROM NEW."organizationId"))
  EXECUTE FUNCTION "organization_reservations_grew"();

CREATE TRIGGER "membership_removed_reservations" AFTER DELETE ON "membership"
  REFERENCING OLD TABLE AS "removed" FOR EACH STATEMENT EXECUTE FUNCTION "organization_reservations_grew"();
