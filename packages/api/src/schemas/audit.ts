import { cursor, limit, orgScoped } from "./common";

export const listAuditEventsInput = orgScoped.extend({ cursor, limit });
