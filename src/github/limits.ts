// GitHub's documented limits, named once (../shared/anchors/limits.md has each source). The
// simulator in test/simulator enforces the same numbers, so exceeding one fails a test, not a user.

/** The check run's stable name: what branch protection lists as a required check. */
export const CHECK_NAME = 'Architecture review';

/** checks/create and checks/update accept at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Past a few hundred annotations the PR page slows to a crawl; the rest stay in the summary. */
export const MAX_ANNOTATIONS_PER_RUN = 500;
/** `output.summary` and `output.text`, in characters. */
export const MAX_CHECK_OUTPUT_CHARS = 65_535;
/** Annotation `title` in characters; `message` and `raw_details` are capped at 64 KB. */
export const MAX_ANNOTATION_TITLE_CHARS = 255;
export const MAX_ANNOTATION_TEXT_BYTES = 64 * 1024;
/** Issue and review comment bodies, in characters. */
export const MAX_COMMENT_BODY_CHARS = 65_536;

/** pulls/list-files: 100 per page at most, 3,000 files in all. */
export const FILES_PER_PAGE = 100;
export const MAX_PR_FILES = 3_000;

/** Blobs read per GraphQL request, and the bytes that may come back in one answer. */
export const BLOBS_PER_QUERY = 100;
export const BLOB_BYTES_PER_QUERY = 8 * 1024 * 1024;

/** Check-run action buttons: identifier ≤ 20 characters, label ≤ 20, description ≤ 40. */
export const RE_REVIEW_ACTION = { label: 'Re-review', description: 'Run the architecture review again', identifier: 're-review' } as const;
