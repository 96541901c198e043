// kubectl's JSON answers read through schemas of what kubectl prints: an answer that is not JSON, or not of
// the shape, is an error that says why and quotes kubectl.
import { z } from "zod";

/** What kubectl said, for an error message: its first characters, or that it said nothing. */
export function said(answer: string): string {
  const text = answer.trim();
  return text === "" ? "(nothing)" : text.slice(0, 200);
}

/**
 * kubectl's answer read as JSON of this shape (`what` names it in errors). An answer that is not JSON, or
 * not of the shape, is an error that says why and what kubectl said.
 */
export function readKubectlJson<T>(answer: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(answer);
  } catch {
    throw new Error(`${what}: kubectl did not answer with JSON: ${said(answer)}`);
  }
  const read = schema.safeParse(json);
  if (!read.success) {
    const why = read.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "the answer"}: ${issue.message}`)
      .join("; ");
    throw new Error(`${what}: kubectl's answer is not what it should be (${why}): ${said(answer)}`);
  }
  return read.data;
}

// kubectl's JSON as far as the lab reads it. Fields are optional, and kubectl prints an empty list as null
// (an EndpointSlice without endpoints), so each may be missing or null; unknown fields are dropped.
export const LABELS = z.record(z.string(), z.string());
export const METADATA = z.object({
  name: z.string().nullish(),
  namespace: z.string().nullish(),
  labels: LABELS.nullish(),
  deletionTimestamp: z.string().nullish(),
});
