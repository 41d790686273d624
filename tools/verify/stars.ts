// Which reviews version answered a product page, read from its HTML.
//
// reviews v1 returns no rating, v2 ratings with `"color": "black"`, v3 with `"color": "red"`
// (STAR_COLOR in reviews' LibertyRestEndpoint.java). productpage.html (Bookinfo 1.18 and later)
// renders the filled stars of a rating inside `<div class="flex gap-x-1 text-{{color}}-500">`,
// older releases inside `<font color="{{color}}">` with `glyphicon-star` spans. Every release
// prints `Reviews served by: {{ reviews.podname }}`, and the pods of Deployment reviews-vN are
// named reviews-vN-<hash>, which settles the pages that show no stars.
import type { ReviewsVersion } from "../../catalog/scenarios/probes";

/** A version, or why none: reviews failed (`unavailable`) or the page says too little (`unknown`). */
export type PageReviews = ReviewsVersion | "unavailable" | "unknown";

const starColors = [/class="flex gap-x-1 text-([a-z]+)-500"/g, /<font color="([a-z]+)">\s*<span class="glyphicon glyphicon-star"/g];
const servedBy = /Reviews served by:\s*(?:<[^>]*>\s*)*([a-z0-9][a-z0-9.-]*)/i;
const versionByColor: Record<string, ReviewsVersion> = { black: "v2", red: "v3" };

export interface PageReading {
  reviews: PageReviews;
  /** The reviews pod that answered, when the page names it. */
  podname?: string;
}

export function readReviews(html: string): PageReading {
  const podname = servedBy.exec(html)?.[1];
  const fromPod = podname && /^reviews-(v[123])-/.exec(podname)?.[1];
  const colors = new Set(starColors.flatMap((re) => [...html.matchAll(re)].map((m) => m[1])));
  const base = podname ? { podname } : {};
  if (colors.size > 0) {
    const byColor = [...colors].map((c) => versionByColor[c]);
    const version = byColor[0];
    // Stars of two colours, or of a colour no version uses, or stars that disagree with the pod name.
    if (byColor.some((v) => v !== version) || !version || (fromPod && fromPod !== version)) return { reviews: "unknown", ...base };
    return { reviews: version, ...base };
  }
  if (fromPod) return { reviews: fromPod as ReviewsVersion, ...base };
  if (/Error fetching product reviews|product reviews are currently unavailable/.test(html)) return { reviews: "unavailable", ...base };
  // A reviews section without stars and without a rating error is v1; with the error, v2 or v3.
  if (/Book Reviews/.test(html) && !/Ratings service is currently unavailable/.test(html)) return { reviews: "v1", ...base };
  return { reviews: "unknown", ...base };
}

/** Whether the page shows `user` signed in: their name in the navigation and a sign-out link. */
export function signedInAs(html: string, user: string): boolean {
  const escaped = user.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`>\\s*${escaped}\\s*<`).test(html) && /href="logout"/.test(html);
}
