/**
 * A small web front end of the Backcare API, written against the TypeScript types that
 * openapi-typescript generates from openapi.yaml (generated/backcare.ts, not committed).
 *
 * It does what the apps do: list stretches, read one, fill the symptom questionnaire and ask
 * for a recommendation, and (with an editor's key) create a draft, read it back and change it
 * under If-Match. Type-checked with `tsc --strict`; a spec change that breaks a web client
 * breaks this program's build. Run with BACKCARE_URL (and BACKCARE_KEY for the editor part);
 * it prints one JSON line saying what it saw.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "../generated/backcare.js";

type Schemas = components["schemas"];
type Level = Schemas["Triage"]["level"];

const URGENCY: Record<Level, number> = {
  self_care: 0,
  see_professional: 1,
  urgent: 2,
  emergency: 3,
};

function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

async function publicPart(api: ReturnType<typeof createClient<paths>>) {
  const listing = await api.GET("/v1/stretches", { params: { query: { page_size: 5 } } });
  if (!listing.data) fail("listing stretches", listing.error);
  const first: Schemas["StretchSummary"] | undefined = listing.data.items[0];
  if (!first) fail("listing stretches", "no stretch");

  const detail = await api.GET("/v1/stretches/{slug}", {
    params: { path: { slug: first.slug }, query: { lang: "en" } },
  });
  if (!detail.data) fail(`reading ${first.slug}`, detail.error);
  const stretch: Schemas["Stretch"] = detail.data;
  const sources: string[] = stretch.sources.map((source) => source.title);
  if (sources.length === 0) fail(`reading ${first.slug}`, "no source cited");

  const questionnaire = await api.GET("/v1/questionnaire", { params: { query: {} } });
  if (!questionnaire.data) fail("reading the questionnaire", questionnaire.error);
  const sections: Schemas["Section"][] = questionnaire.data.sections;
  if (sections[0]?.id !== "red_flags") fail("reading the questionnaire", "no red-flag screen first");
  // A person who says no to every safety question and yes to the first two self-care signs,
  // with 10 minutes to spare: the answers become the request as each question says.
  const mild = sections
    .slice(1)
    .flatMap((section) => section.questions)
    .filter((question) => question.kind === "yes_no" && question.field === "symptoms")
    .filter((question) => question.level !== null && URGENCY[question.level] === 0)
    .slice(0, 2)
    .flatMap((question) => question.slugs);
  const request: Schemas["RecommendationRequest"] = {
    symptoms: mild,
    hours_since_onset: 30,
    minutes_available: 10,
  };
  const advice = await api.POST("/v1/recommendations", { body: request });
  if (!advice.data) fail("recommending", advice.error);
  const answer: Schemas["Recommendation"] = advice.data;
  const routineSeconds: number = answer.routine.total_seconds;
  if (routineSeconds > 10 * 60) fail("recommending", `a routine of ${routineSeconds} s`);

  return {
    listed: listing.data.items.length,
    total: listing.data.total,
    read: { slug: stretch.slug, steps: stretch.steps.length, sources: sources.length },
    recommended: {
      symptoms: mild,
      triage: answer.triage.level,
      stretches: answer.stretches.map((suggestion) => suggestion.slug),
      routine_seconds: routineSeconds,
    },
  };
}

async function editorPart(baseUrl: string, key: string, model: string) {
  const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
  const original = await admin.GET("/v1/admin/stretches/{slug}", {
    params: { path: { slug: model } },
  });
  if (!original.data) fail(`reading ${model} as an editor`, original.error);
  const slug = `${model}-web-draft`;
  const draft: Schemas["StretchIn"] = { ...original.data.item, slug, status: "draft" };
  const created = await admin.POST("/v1/admin/stretches", { body: draft });
  if (!created.data) fail("creating a draft", created.error);
  const view: Schemas["StretchAdmin"] = created.data;

  const change: Schemas["StretchPatch"] = { summary: `${view.item.summary} (draft)` };
  const changed = await admin.PATCH("/v1/admin/stretches/{slug}", {
    params: { path: { slug }, header: { "If-Match": view.etag } },
    body: change,
  });
  if (!changed.data) fail("changing the draft under If-Match", changed.error);
  const again = await admin.GET("/v1/admin/stretches/{slug}", { params: { path: { slug } } });
  if (!again.data) fail("reading the draft back", again.error);
  return {
    created: { slug: view.slug, status: again.data.item.status, etag: again.data.etag },
    changed: again.data.item.summary === change.summary,
  };
}

async function main(): Promise<void> {
  const baseUrl = process.env.BACKCARE_URL;
  if (!baseUrl) fail("configuration", "set BACKCARE_URL");
  const api = createClient<paths>({ baseUrl });
  const seen: Record<string, unknown> = await publicPart(api);
  const key = process.env.BACKCARE_KEY;
  if (key) {
    const read = seen.read as { slug: string };
    Object.assign(seen, await editorPart(baseUrl, key, read.slug));
  }
  process.stdout.write(`${JSON.stringify(seen)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
