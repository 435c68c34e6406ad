/**
 * The public JSON API, described in OpenAPI 3.1 (served at /api/openapi.json). Every response of the
 * API is validated against these schemas by tests/integration/api.test.ts, so the document cannot
 * drift from what the endpoints answer.
 */
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const dateTime = { type: "string", format: "date-time" };
const status = { type: "string", enum: ["open", "closed"] };
const json = (ref: string, description: string) => ({ description, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
const slugParameter = { name: "slug", in: "path", required: true, schema: { type: "string" }, description: "The letter's slug, as in its URL" };

export function openApiDocument(appUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Undersigned public API",
      version: "2.0.0",
      description:
        "Read-only JSON about published open letters: their text, demands, verified counts, updates, delivery and response, and the names of signers who chose to be named (after the letter's reveal threshold). No endpoint ever returns an address or anything that identifies an anonymous signer. Any site may read it (Access-Control-Allow-Origin: *); answers may be cached for 5 seconds.",
      license: { name: "Content: the letters' organizers" },
    },
    servers: [{ url: appUrl }],
    paths: {
      "/api/letters": {
        get: {
          operationId: "listLetters",
          summary: "Listed, published letters, newest first",
          parameters: [
            { name: "q", in: "query", required: false, schema: { type: "string", maxLength: 100 }, description: "Search in title and organization" },
            { name: "sort", in: "query", required: false, schema: { type: "string", enum: ["newest", "signed", "open"], default: "newest" }, description: "newest: by publication; signed: most verified signatures first; open: open letters first, then newest" },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
            { name: "after", in: "query", required: false, schema: { type: "string" }, description: "Cursor: take it from the `next` link of the previous page" },
          ],
          responses: { "200": json("LetterList", "A page of letters"), "400": json("Error", "A malformed cursor, sort or limit") },
        },
      },
      "/api/letters/{slug}": {
        get: {
          operationId: "getLetter",
          summary: "One letter, its counts and its story",
          parameters: [slugParameter],
          responses: { "200": json("Letter", "The letter"), "404": json("Error", "No published letter has this slug"), "410": json("TakenDown", "Taken down by the site's operators") },
        },
      },
      "/api/letters/{slug}/signers": {
        get: {
          operationId: "listSigners",
          summary: "Named signers, 50 per page, oldest first",
          parameters: [
            slugParameter,
            { name: "after", in: "query", required: false, schema: { type: "string" }, description: "Cursor from `next`" },
            { name: "before", in: "query", required: false, schema: { type: "string" }, description: "Cursor from `previous`" },
          ],
          responses: {
            "200": json("SignerPage", "A page of named signers (empty and hidden until the reveal threshold)"),
            "404": json("Error", "No such letter, or no such page"),
            "410": json("TakenDown", "Taken down by the site's operators"),
          },
        },
      },
    },
    components: {
      schemas: {
        Error: { type: "object", required: ["error"], additionalProperties: false, properties: { error: { type: "string" } } },
        TakenDown: {
          type: "object",
          required: ["slug", "status", "takenDown", "message"],
          additionalProperties: false,
          properties: {
            slug: { type: "string" },
            status: { const: "taken-down" },
            takenDown: { type: "object", required: ["at", "reason"], additionalProperties: false, properties: { at: dateTime, reason: { type: "string" } } },
            message: { type: "string" },
          },
        },
        LetterSummary: {
          type: "object",
          required: ["slug", "title", "organization", "status", "goal", "signatures", "publishedAt", "closesAt", "excerpt", "url"],
          additionalProperties: false,
          properties: {
            slug: { type: "string" },
            title: { type: "string" },
            organization: { type: "string" },
            status,
            goal: nullable({ type: "integer", minimum: 1 }),
            signatures: { type: "object", required: ["verified"], additionalProperties: false, properties: { verified: { type: "integer", minimum: 0 } } },
            publishedAt: dateTime,
            closesAt: nullable(dateTime),
            excerpt: { type: "string", description: "The opening of the letter, as plain text" },
            url: { type: "string", format: "uri" },
          },
        },
        LetterList: {
          type: "object",
          required: ["letters", "next"],
          additionalProperties: false,
          properties: {
            letters: { type: "array", items: { $ref: "#/components/schemas/LetterSummary" } },
            next: nullable({ type: "string", description: "Path of the next page; null on the last" }),
          },
        },
        Counts: {
          type: "object",
          required: ["verified", "public", "anonymous", "byDomain"],
          additionalProperties: false,
          properties: {
            verified: { type: "integer", minimum: 0 },
            public: { type: "integer", minimum: 0, description: "Signers who chose to be named" },
            anonymous: { type: "integer", minimum: 0 },
            byDomain: {
              type: "object",
              description: "Verified signatures by work-email domain; groups under 5 (and groups that would reveal one by subtraction) are merged into \"other\"",
              additionalProperties: { type: "integer", minimum: 0 },
            },
          },
        },
        Letter: {
          type: "object",
          required: [
            "slug", "title", "organization", "addressee", "organizedBy", "contact", "status", "body", "demands", "goal", "signatures", "revealThreshold",
            "versionHash", "publishedAt", "closesAt", "closedAt", "delivery", "response", "updates", "url", "links", "updatedAt",
          ],
          additionalProperties: false,
          properties: {
            slug: { type: "string" },
            title: { type: "string" },
            organization: { type: "string" },
            addressee: { type: "string" },
            organizedBy: nullable({ type: "string", description: "How the organizers name themselves publicly, e.g. \"Employees of Acme Cloud\"" }),
            contact: nullable({ type: "string", description: "A public contact address the organizers chose to publish" }),
            status,
            body: { type: "object", required: ["markdown", "html"], additionalProperties: false, properties: { markdown: { type: "string" }, html: { type: "string" } } },
            demands: {
              type: "array",
              items: {
                type: "object",
                required: ["kind", "text"],
                additionalProperties: false,
                properties: { kind: { type: "string", enum: ["cancel_contract", "policy", "transparency", "other"] }, text: { type: "string" } },
              },
            },
            goal: nullable({ type: "integer", minimum: 1 }),
            signatures: { $ref: "#/components/schemas/Counts" },
            revealThreshold: nullable({ type: "integer", minimum: 1 }),
            versionHash: nullable({ type: "string", description: "SHA-256 fingerprint of the published text: everyone signed exactly this" }),
            publishedAt: nullable(dateTime),
            closesAt: nullable(dateTime),
            closedAt: nullable(dateTime),
            delivery: nullable({ type: "object", required: ["at", "to"], additionalProperties: false, properties: { at: dateTime, to: nullable({ type: "string" }) } }),
            response: nullable({ type: "object", required: ["text", "at"], additionalProperties: false, properties: { text: { type: "string" }, at: nullable(dateTime) } }),
            updates: {
              type: "array",
              items: {
                type: "object",
                required: ["id", "body", "html", "createdAt"],
                additionalProperties: false,
                properties: { id: { type: "string" }, body: { type: "string", description: "Markdown" }, html: { type: "string" }, createdAt: dateTime },
              },
            },
            url: { type: "string", format: "uri" },
            links: {
              type: "object",
              required: ["signers", "feed", "embed", "badge"],
              additionalProperties: false,
              properties: { signers: { type: "string" }, feed: { type: "string", format: "uri" }, embed: { type: "string", format: "uri" }, badge: { type: "string", format: "uri" } },
            },
            updatedAt: dateTime,
          },
        },
        SignerPage: {
          type: "object",
          required: ["perPage", "signers", "hidden", "revealThreshold", "next", "previous"],
          additionalProperties: false,
          properties: {
            perPage: { type: "integer" },
            signers: {
              type: "array",
              items: { type: "object", required: ["name", "jobTitle"], additionalProperties: false, properties: { name: { type: "string" }, jobTitle: nullable({ type: "string" }) } },
            },
            hidden: { type: "boolean", description: "True while the reveal threshold is not reached: no names yet" },
            revealThreshold: nullable({ type: "integer", minimum: 1 }),
            next: nullable({ type: "string" }),
            previous: nullable({ type: "string" }),
          },
        },
      },
    },
  };
}
