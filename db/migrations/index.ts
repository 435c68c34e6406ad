import type { Migration } from "kysely/migration";
import * as initial from "./2026-11-29-01-initial";
import * as signerDecides from "./2026-11-29-02-signer-decides";
import * as moderation from "./2026-11-29-03-moderation";
import * as scale from "./2026-11-29-04-scale";
import * as reach from "./2026-11-29-05-reach";
import * as organizedBy from "./2026-11-29-06-organized-by";
import * as organizerDisplayName from "./2026-11-29-07-organizer-display-name";
import * as utcHours from "./2026-11-29-08-utc-hours";

// An explicit list (not a folder scan): the bundle and tsx both see exactly these, in this order.
export const migrations: Record<string, Migration> = {
  "2026-11-29-01-initial": initial,
  "2026-11-29-02-signer-decides": signerDecides,
  "2026-11-29-03-moderation": moderation,
  "2026-11-29-04-scale": scale,
  "2026-11-29-05-reach": reach,
  "2026-11-29-06-organized-by": organizedBy,
  "2026-11-29-07-organizer-display-name": organizerDisplayName,
  "2026-11-29-08-utc-hours": utcHours,
};
