import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "../api.server";
import { openApiDocument } from "../openapi.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return publicJson(openApiDocument(context.config.appUrl));
}
