"""The warehouse tables, declared once: Parquet, DDL, comments and suites derive from here."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


def _col(name: str, type_: pa.DataType, description: str, *, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


@dataclass(frozen=True, slots=True)
class Table:
    """A warehouse table: its grain, its merge key and its Arrow schema."""

    name: str
    grain: str
    key: tuple[str, ...]
    schema: pa.Schema
    # What a publish does with a staged row whose key exists: "ignore" it or "update" the row
    # (except the keep_on_update columns, e.g. when an input was first seen).
    on_match: str = "ignore"
    keep_on_update: tuple[str, ...] = ()

    def description(self, column: str) -> str:
        return self.schema.field(column).metadata[b"description"].decode()


ARTICLES = Table(
    name="articles",
    grain="One row per distinct article (copies of the same text share one row).",
    key=("article_id",),
    on_match="update",
    schema=pa.schema(
        [
            _col(
                "article_id",
                pa.string(),
                "Stable id: hash of the clean text, whitespace, quotes and case folded.",
                nullable=False,
            ),
            _col(
                "source_uri",
                pa.string(),
                "Input file the article was first loaded from.",
                nullable=False,
            ),
            _col("url", pa.string(), "Canonical URL of the article when the page states one."),
            _col("title", pa.string(), "Headline, printed once, without site-name affixes."),
            _col("subtitle", pa.string(), "Standfirst or dek under the headline."),
            _col(
                "text",
                pa.string(),
                "Clean body text; paragraphs separated by a blank line.",
                nullable=False,
            ),
            _col("language", pa.string(), "ISO 639-1 language code of the body text."),
            _col("published_at", UTC_TS, "Publication time (UTC); null when unknown."),
            _col(
                "published_at_source",
                pa.string(),
                "Where published_at came from: page (the date shown beside the headline), "
                "json_ld, meta (meta tags), htmldate (found elsewhere in the page) or text "
                "(a date line of a text dump).",
            ),
            _col("updated_at", UTC_TS, "Last update time stated by the page (UTC)."),
            _col(
                "page_date",
                pa.date32(),
                "Date printed in the page header (not the article's own date).",
            ),
            _col("authors", pa.list_(pa.string()), "Person names of the authors.", nullable=False),
            _col(
                "contributors",
                pa.list_(pa.string()),
                "People credited as contributing to the report.",
                nullable=False,
            ),
            _col("publisher", pa.string(), "Who wrote the story, e.g. CNN."),
            _col(
                "host_site",
                pa.string(),
                "Site that served this copy when it differs from the publisher.",
            ),
            _col("word_count", pa.int32(), "Words in text.", nullable=False),
            _col("content_hash", pa.string(), "SHA-256 of the clean text.", nullable=False),
            _col("input_format", pa.string(), "Input format: html or text.", nullable=False),
            _col(
                "extractor_version",
                pa.string(),
                "Version of the extractor that made the row (see --reprocess).",
                nullable=False,
            ),
            _col(
                "normalizer_version",
                pa.string(),
                "Version of the normalizer that made the row.",
                nullable=False,
            ),
            _col("ingested_at", UTC_TS, "When this row was loaded.", nullable=False),
            _col("run_id", pa.string(), "Run that loaded the row.", nullable=False),
            _col(
                "date_confidence",
                pa.float64(),
                "How often published_at_source gives the right day (0-1, measured on the "
                "benchmark); null when published_at is.",
            ),
            _col(
                "language_confidence",
                pa.float64(),
                "Probability of language from the identifier (0-1); null when language is.",
            ),
            _col(
                "extraction_method",
                pa.string(),
                "How the text was found: trafilatura, trafilatura+fallback or textdump_model.",
            ),
            _col(
                "extraction_quality",
                pa.float64(),
                "Extractor's confidence in the text, 0 to 1; low values deserve a look.",
            ),
        ]
    ),
)

CAPTIONS = Table(
    name="captions",
    grain="One row per image caption of an article.",
    key=("article_id", "position"),
    schema=pa.schema(
        [
            _col("article_id", pa.string(), "Article the caption belongs to.", nullable=False),
            _col(
                "position",
                pa.int32(),
                "Order of the caption in the article, from 0.",
                nullable=False,
            ),
            _col(
                "caption", pa.string(), "Caption text as printed, credit removed.", nullable=False
            ),
            _col("credit", pa.string(), "Photo credit, e.g. 'AP Photo/Jane Doe'."),
            _col("run_id", pa.string(), "Run that loaded the row.", nullable=False),
        ]
    ),
)

ARTICLE_COPIES = Table(
    name="article_copies",
    grain="One row per input an article was found in: the first copy and every duplicate.",
    key=("article_id", "source_uri"),
    on_match="update",
    schema=pa.schema(
        [
            _col("article_id", pa.string(), "The article this copy is.", nullable=False),
            _col("source_uri", pa.string(), "Input file holding the copy.", nullable=False),
            _col("url", pa.string(), "URL the copy states, if any."),
            _col("host_site", pa.string(), "Site that served this copy, as normalized."),
            _col("publisher", pa.string(), "Publisher this copy names."),
            _col(
                "is_first_copy",
                pa.bool_(),
                "Whether this input gave the article its row.",
                nullable=False,
            ),
            _col("seen_at", UTC_TS, "When the copy was loaded.", nullable=False),
            _col("run_id", pa.string(), "Run that found the copy.", nullable=False),
        ]
    ),
)

NEAR_COPIES = Table(
    name="near_copies",
    grain="One row per article in a group of near copies: the canonical article and each "
    "near copy (reprint with small edits) linked to it.",
    key=("article_id",),
    on_match="update",
    schema=pa.schema(
        [
            _col("article_id", pa.string(), "Article in the group.", nullable=False),
            _col(
                "canonical_id",
                pa.string(),
                "The group's canonical article (equal to article_id for the canonical itself).",
                nullable=False,
            ),
            _col(
                "is_canonical",
                pa.bool_(),
                "Whether this article is the group's canonical one.",
                nullable=False,
            ),
            _col(
                "similarity",
                pa.float64(),
                "Jaccard similarity of the article's word shingles with the canonical's.",
                nullable=False,
            ),
            _col(
                "canonical_rule",
                pa.string(),
                "What chose the canonical: original_publisher, most_complete, earliest "
                "or article_id.",
                nullable=False,
            ),
            _col(
                "scheme",
                pa.string(),
                "Shingling and MinHash scheme that linked it.",
                nullable=False,
            ),
            _col("linked_at", UTC_TS, "When the link was last set.", nullable=False),
            _col("run_id", pa.string(), "Run that last set the link.", nullable=False),
        ]
    ),
)

NEAR_COPY_INDEX = Table(
    name="near_copy_index",
    grain="One row per article and LSH band: the persisted MinHash index that lets later runs "
    "find near copies without rescanning texts.",
    key=("article_id", "scheme", "band"),
    on_match="update",
    schema=pa.schema(
        [
            _col("article_id", pa.string(), "Indexed article.", nullable=False),
            _col("scheme", pa.string(), "Shingling and MinHash scheme.", nullable=False),
            _col("band", pa.int32(), "LSH band number, from 0.", nullable=False),
            _col("bucket", pa.uint64(), "The band's bucket key.", nullable=False),
            _col("run_id", pa.string(), "Run that indexed the article.", nullable=False),
        ]
    ),
)

SOURCES = Table(
    name="sources",
    grain="One row per outlet named in articles as publisher or host site (a BI dimension; "
    "rebuilt from articles and the outlet mapping at every publish).",
    key=("source_name",),
    schema=pa.schema(
        [
            _col(
                "source_name",
                pa.string(),
                "Canonical outlet name, as in articles.publisher and articles.host_site.",
                nullable=False,
            ),
            _col(
                "domains",
                pa.list_(pa.string()),
                "Domains the outlet serves from: the mapping's, else those of the URLs it served.",
                nullable=False,
            ),
            _col(
                "is_mapped",
                pa.bool_(),
                "Whether transforms/data/outlets.toml knows the outlet.",
                nullable=False,
            ),
            _col(
                "articles_published",
                pa.int64(),
                "Articles with this outlet as publisher.",
                nullable=False,
            ),
            _col(
                "articles_hosted",
                pa.int64(),
                "Articles this outlet served as host site for another publisher.",
                nullable=False,
            ),
        ]
    ),
)

QUARANTINE = Table(
    name="quarantine",
    grain="One row per input, stage and reason that kept the input out of articles.",
    key=("source_uri", "input_hash", "stage", "reason"),
    schema=pa.schema(
        [
            _col("source_uri", pa.string(), "Input file that was rejected.", nullable=False),
            _col("input_hash", pa.string(), "SHA-256 of the input's bytes (empty if unread)."),
            _col(
                "stage",
                pa.string(),
                "Stage that rejected it: ingest, extract, normalize, "
                "validate_raw, validate_extracted, validate_articles.",
                nullable=False,
            ),
            _col(
                "reason",
                pa.string(),
                "snake_case reason, e.g. empty_file, too_large.",
                nullable=False,
            ),
            _col("detail", pa.string(), "Human-readable detail: the limit, the exception."),
            _col("size_bytes", pa.int64(), "Size of the input in bytes."),
            _col(
                "stored_copy",
                pa.string(),
                "Copy of the input's original bytes in the lake (null if it was too large "
                "or could not be read).",
            ),
            _col("run_id", pa.string(), "Run that quarantined it.", nullable=False),
            _col("quarantined_at", UTC_TS, "When it was quarantined.", nullable=False),
        ]
    ),
)

INPUTS = Table(
    name="inputs",
    grain="One row per input file (source_uri): the ledger of what runs have processed.",
    key=("source_uri",),
    on_match="update",
    keep_on_update=("first_run_id",),
    schema=pa.schema(
        [
            _col("source_uri", pa.string(), "Input file.", nullable=False),
            _col("input_hash", pa.string(), "SHA-256 of the bytes last processed.", nullable=False),
            _col("size_bytes", pa.int64(), "Size in bytes when last processed.", nullable=False),
            _col("modified_at", UTC_TS, "File modification time when last processed."),
            _col("outcome", pa.string(), "loaded, duplicate or quarantined.", nullable=False),
            _col("article_id", pa.string(), "Article the input became (loaded or duplicate)."),
            _col(
                "first_run_id", pa.string(), "Run that first processed the input.", nullable=False
            ),
            _col("last_run_id", pa.string(), "Run that last processed the input.", nullable=False),
        ]
    ),
)

SITE_LINES = Table(
    name="site_lines",
    grain="One row per site and paragraph hash: how many documents of the site printed it.",
    key=("site", "line_hash"),
    on_match="update",
    schema=pa.schema(
        [
            _col(
                "site",
                pa.string(),
                "Host of the page URL, or the site name it shows.",
                nullable=False,
            ),
            _col(
                "line_hash",
                pa.string(),
                "Hash of the paragraph's case-folded words (transforms.sitechrome.line_hash).",
                nullable=False,
            ),
            _col(
                "documents",
                pa.int64(),
                "Documents of the site that printed the paragraph, over all runs.",
                nullable=False,
            ),
            _col("last_run_id", pa.string(), "Run that last counted it.", nullable=False),
        ]
    ),
)

PIPELINE_RUNS = Table(
    name="pipeline_runs",
    grain="One row per pipeline run.",
    key=("run_id",),
    schema=pa.schema(
        [
            _col(
                "run_id",
                pa.string(),
                "Run id (UTC start time plus a random suffix).",
                nullable=False,
            ),
            _col("started_at", UTC_TS, "Start of the run.", nullable=False),
            _col("finished_at", UTC_TS, "End of the run.", nullable=False),
            _col("status", pa.string(), "success, no_op or failed.", nullable=False),
            _col(
                "source", pa.string(), "Source the run read (folder, glob or file).", nullable=False
            ),
            _col("inputs_seen", pa.int64(), "Input files discovered.", nullable=False),
            _col("inputs_new", pa.int64(), "Inputs never processed before.", nullable=False),
            _col(
                "inputs_changed",
                pa.int64(),
                "Inputs whose content changed since they were processed.",
                nullable=False,
            ),
            _col(
                "inputs_reprocessed",
                pa.int64(),
                "Unchanged inputs processed again on request (--reprocess).",
                nullable=False,
            ),
            _col(
                "inputs_unchanged",
                pa.int64(),
                "Inputs skipped as already processed.",
                nullable=False,
            ),
            _col("articles_loaded", pa.int64(), "New rows added to articles.", nullable=False),
            _col(
                "duplicates", pa.int64(), "Inputs whose article was already known.", nullable=False
            ),
            _col("quarantined", pa.int64(), "Inputs sent to quarantine.", nullable=False),
            _col(
                "near_copies",
                pa.int64(),
                "Articles loaded by the run that are near copies of another article.",
            ),
            _col(
                "expectations_failed",
                pa.int64(),
                "Failed expectations across all stages.",
                nullable=False,
            ),
            _col("seconds", pa.float64(), "Wall-clock duration of the run.", nullable=False),
            _col("error", pa.string(), "Why the run failed; null on success."),
        ]
    ),
)

QUALITY_RESULTS = Table(
    name="quality_results",
    grain="One row per expectation per stage per run.",
    key=("run_id", "stage", "expectation", "column_name"),
    schema=pa.schema(
        [
            _col("run_id", pa.string(), "Run the validation belongs to.", nullable=False),
            _col(
                "stage",
                pa.string(),
                "Validated stage: raw, extracted, articles, warehouse.",
                nullable=False,
            ),
            _col("suite", pa.string(), "Great Expectations suite name.", nullable=False),
            _col("expectation", pa.string(), "Expectation type.", nullable=False),
            _col(
                "column_name",
                pa.string(),
                "Column checked; empty for table-level checks.",
                nullable=False,
            ),
            _col(
                "scope",
                pa.string(),
                "record (failures quarantined) or batch (blocks publish).",
                nullable=False,
            ),
            _col("success", pa.bool_(), "Whether every batch met the expectation.", nullable=False),
            _col("element_count", pa.int64(), "Rows checked."),
            _col("unexpected_count", pa.int64(), "Rows that failed."),
            _col("observed_value", pa.string(), "Observed value for table-level checks."),
            _col("checked_at", UTC_TS, "When the check ran.", nullable=False),
        ]
    ),
)

TABLES: tuple[Table, ...] = (
    ARTICLES,
    ARTICLE_COPIES,
    NEAR_COPIES,
    NEAR_COPY_INDEX,
    CAPTIONS,
    SOURCES,
    QUARANTINE,
    INPUTS,
    SITE_LINES,
    PIPELINE_RUNS,
    QUALITY_RESULTS,
)
TABLES_BY_NAME = {t.name: t for t in TABLES}

# Frames validated between stages (not warehouse tables): one row per document.
RAW_FRAME = pa.schema(
    [
        _col("source_uri", pa.string(), "Input file.", nullable=False),
        _col("input_hash", pa.string(), "SHA-256 of the input's bytes.", nullable=False),
        _col("size_bytes", pa.int64(), "Size in bytes.", nullable=False),
        _col("input_format", pa.string(), "html or text.", nullable=False),
        _col("encoding", pa.string(), "Encoding the bytes were decoded with.", nullable=False),
        _col("text_chars", pa.int64(), "Characters of decoded text.", nullable=False),
    ]
)
EXTRACTED_FRAME = pa.schema(
    [
        _col("source_uri", pa.string(), "Input file.", nullable=False),
        _col("input_format", pa.string(), "html or text.", nullable=False),
        _col("title", pa.string(), "Title as extracted."),
        _col("paragraph_count", pa.int64(), "Body paragraphs found.", nullable=False),
        _col("text_chars", pa.int64(), "Characters of body text.", nullable=False),
    ]
)
# An article row as the normalize stage makes it: the columns staging adds are not there yet.
ARTICLE_FRAME = pa.schema([f for f in ARTICLES.schema if f.name not in ("ingested_at", "run_id")])
# What the warehouse stage re-checks inside the publish transaction, over the whole table.
WAREHOUSE_FRAME = pa.schema(
    [ARTICLES.schema.field(n) for n in ("article_id", "source_uri", "content_hash", "run_id")]
)
