import { createHash } from "node:crypto";

import type { Database, DbClient } from "@tenancy/db/client";

import type { Actor } from "../domain/actor";
import { invalid } from "../domain/errors";
import { checkLogo, logoPath, type LogoType } from "../domain/images";
import type { OrganizationAccess } from "./access";
import { recordAudit } from "./audit";

export interface LogoDto {
  url: string;
  contentType: LogoType;
  size: number;
  width: number;
  height: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `data:image/png;base64,AAAA` or plain base64 → bytes and the type the data URL claims. */
function decodeImage(text: string): { bytes: Buffer; claimedType: string | null } {
  const dataUrl = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(text);
  if (dataUrl && !dataUrl[2]) {
    throw invalid("image_invalid", "Send the image as base64 (a data URL with ;base64).", { field: "image" });
  }
  const payload = (dataUrl ? dataUrl[3]! : text).replace(/\s+/g, "");
  if (payload.length % 4 === 1 || !BASE64.test(payload)) {
    throw invalid("image_invalid", "The image is not valid base64.", { field: "image" });
  }
  return { bytes: Buffer.from(payload, "base64"), claimedType: dataUrl?.[1] || null };
}

/**
 * Sets the organization's logo. The bytes decide what it is (PNG, JPEG, GIF or WebP, sniffed, with
 * bounded size and dimensions); a declared type that disagrees is refused. Stored in the database,
 * served at a URL named by its SHA-256, so caches may keep it forever.
 */
export async function setOrganizationLogo(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
  input: { image: string; contentType?: string },
): Promise<{ logo: LogoDto }> {
  const { bytes, claimedType } = decodeImage(input.image);
  // The bytes decide; what the data URL and contentType claim must agree with them.
  const checked = checkLogo(bytes, claimedType);
  if (!checked.ok) throw invalid(checked.reason, checked.message, { field: "image" });
  const againstField = checkLogo(bytes, input.contentType);
  if (!againstField.ok) throw invalid(againstField.reason, againstField.message, { field: "image" });
  const { type, width, height } = checked.image;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const organizationId = access.organization.id;
  const data = { contentType: type, bytes: new Uint8Array(bytes), sha256, size: bytes.length, width, height };
  await db.$transaction(async (tx) => {
    await tx.organizationLogo.upsert({
      where: { organizationId },
      create: { organizationId, ...data },
      update: data,
      select: { organizationId: true },
    });
    await tx.organization.update({ where: { id: organizationId }, data: { logoSha256: sha256 }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "organization.logo_updated",
      target: { type: "organization", id: organizationId, label: access.organization.name },
      metadata: { contentType: type, size: bytes.length, width, height, sha256 },
    });
  });
  return { logo: { url: logoPath(sha256), contentType: type, size: bytes.length, width, height } };
}

/** Removes the logo (initials show again). Removing when there is none changes nothing. */
export async function removeOrganizationLogo(
  db: Database,
  actor: Actor,
  access: OrganizationAccess,
): Promise<{ ok: true }> {
  const organizationId = access.organization.id;
  await db.$transaction(async (tx) => {
    const removed = await tx.organizationLogo.deleteMany({ where: { organizationId } });
    if (removed.count === 0) return;
    await tx.organization.update({ where: { id: organizationId }, data: { logoSha256: null }, select: { id: true } });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: "organization.logo_removed",
      target: { type: "organization", id: organizationId, label: access.organization.name },
    });
  });
  return { ok: true };
}

export interface StoredLogo {
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
}

/** The logo with this hash, for serving. Public by design: the hash is unguessable, and it is what emails link to. */
export async function readLogo(db: DbClient, sha256: string): Promise<StoredLogo | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  return db.organizationLogo.findFirst({
    where: { sha256 },
    select: { contentType: true, bytes: true, sha256: true },
  });
}
