"""Settings: the one place that reads the environment (prefix TUTOR_, nested with __)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class RetrievalSettings(BaseModel):
    k: int = Field(default=5, ge=1, le=50)
    # Reciprocal rank fusion constant; 60 is the value from the original RRF paper.
    rrf_k: int = Field(default=60, ge=1)
    # How many candidates each retriever contributes before fusion.
    candidates: int = Field(default=30, ge=1, le=200)
    dense_weight: float = Field(default=1.0, ge=0)
    bm25_weight: float = Field(default=1.0, ge=0)
    # "score": each retriever's scores scaled by its best one, then a weighted sum; it keeps how
    # far ahead a clear winner is, which ranks throw away (docs/ingest.md, Search).
    # "rrf": reciprocal rank fusion with rrf_k.
    fusion: Literal["score", "rrf"] = "score"


class ChunkSettings(BaseModel):
    # Sizes in characters; tuned on evals/data/dev.jsonl.
    target_chars: int = Field(default=700, ge=100)
    max_chars: int = Field(default=900, ge=200)
    overlap_chars: int = Field(default=120, ge=0)


class GradingSettings(BaseModel):
    """Offline open-answer verdicts (tutor/checking.py): decided only on clear evidence."""

    # "correct" needs this share of the reference's key facts (its content words not in the
    # question, and every number) stated in the answer.
    coverage_correct: float = Field(default=1.0, gt=0, le=1)
    # ... with the facts in the reference's order: the longest in-order run over the facts found.
    # Two things swapped ("SQS pushes, SNS polls") fall to 0.5 on four facts.
    order_correct: float = Field(default=0.8, ge=0, le=1)
    # Typos forgiven in a word (same first letter, never a prefix like un-/in-/a-): one edit from
    # typo_one_chars letters, two from typo_two_chars.
    typo_one_chars: int = Field(default=5, ge=2)
    typo_two_chars: int = Field(default=9, ge=3)
    # An LLM verdict "correct" or "incorrect" stands when its score is at least / at most these.
    llm_correct_at: float = Field(default=0.8, ge=0, le=1)
    llm_incorrect_at: float = Field(default=0.2, ge=0, le=1)


class OfflineSettings(BaseModel):
    """The offline answering engine's weights and thresholds (tutor/offline/; docs/engine.md).

    The defaults were chosen on evals/data/dev.jsonl only; docs/deployment.md lists them.
    """

    # Reading the question: a word neither the notes nor everyday English use is read as the notes'
    # word it is a typo of: one edit from typo_one_chars letters, two from typo_two_chars.
    typo_one_chars: int = Field(default=5, ge=2)
    typo_two_chars: int = Field(default=9, ge=3)
    # Answer units: score = w_meaning x cosine + w_terms x IDF share of the question's terms
    # + w_section x the share in its headings + w_rank / passage rank (+ number_bonus, - penalty).
    w_meaning: float = Field(default=0.5, ge=0)
    w_terms: float = Field(default=0.5, ge=0)
    w_section: float = Field(default=0.35, ge=0)
    w_rank: float = Field(default=0.03, ge=0)
    number_bonus: float = Field(default=0.1, ge=0)  # a unit with a digit, for a numeric question
    short_penalty: float = Field(default=0.1, ge=0)  # a unit under short_chars characters
    short_chars: int = Field(default=25, ge=0)
    # Selecting units for an answer.
    max_chars: int = Field(default=600, ge=100)  # an answer's reading length
    max_lead_chars: int = Field(default=60, ge=0)  # a longer heading does not lead a run
    keep_ratio: float = Field(default=0.35, ge=0, le=1)  # units this close to the best may join
    neighbour_bonus: float = Field(default=0.5, ge=0)  # next to a chosen unit
    coverage_bonus: float = Field(default=0.5, ge=0)  # x IDF share of question terms still missing
    window_floor: float = Field(default=0.3, ge=0, le=1)  # margins over this share of the best
    window_passages: int = Field(default=1, ge=1)  # windows from this many top passages
    passage_prior: float = Field(default=0.6, ge=0)  # / passage rank, in a window's value
    window_coverage: float = Field(default=0.3, ge=0)  # x IDF share of terms a window covers
    # A short message that may be a follow-up or a new question ("explain efs"): read with the
    # previous subject only when the notes match that reading by this much more.
    follow_up_margin: float = Field(default=0.02, ge=0)
    # Questions of several parts.
    max_parts: int = Field(default=3, ge=1)
    max_parts_chars: int = Field(default=900, ge=100)  # shared among the parts
    part_coverage: float = Field(default=0.5, ge=0, le=1)  # a part's own terms an answer needs
    # Multiple choice.
    mcq_margin: float = Field(default=0.09, ge=0)  # the best choice's lead, or abstain
    mcq_choice_cover: float = Field(default=0.5, ge=0, le=1)  # choice's own terms its unit names
    mcq_question_cover: float = Field(default=0.3, ge=0, le=1)  # question's terms unit + headings
    mcq_own_weight: float = Field(default=0.4, ge=0)  # x the choice's own terms its unit names
    mcq_miss_penalty: float = Field(default=0.2, ge=0)  # its unit names none of them
    mcq_units: int = Field(default=8, ge=1)  # top units looked at for each choice
    # Declining (tutor/offline/scope.py): support = best + w_answered x answered - w_rare x rare
    # - w_common x common.
    w_answered: float = Field(default=0.75, ge=0)
    w_rare: float = Field(default=0.65, ge=0)
    w_common: float = Field(default=0.2, ge=0)
    min_support: float = 0.45
    min_untopical_support: float = 1.0  # no question term in the answer's headings
    min_quantity_support: float = Field(default=0.2, ge=0, le=1)  # a figure question's subject
    quantity_units: int = Field(default=30, ge=1)  # top units searched for a number


class EmbeddingSettings(BaseModel):
    # "onnx": MiniLM exported to ONNX from the packaged weights at first start (cached under
    # cache_dir, keyed by the weights' sha256) and run by ONNX Runtime; "torch":
    # sentence-transformers on torch. Same vectors (cosine > 0.999); onnx embeds a question in
    # about half the time and the server skips the torch import.
    backend: Literal["onnx", "torch"] = "onnx"
    # onnx only: "int8" quantizes the exported MatMul weights (per channel, dynamic): about 3x
    # less CPU a question, cosine to fp32 about 0.995. Ingest and serve with the same choice.
    quantize: Literal["none", "int8"] = "none"
    # Intra-op threads per model call in a served or CLI tutor (0: one per core). One is best
    # under load: parallelism comes from the requests, and the batcher joins their questions.
    threads: int = Field(default=1, ge=0)
    # Questions from concurrent requests embedded together in one model call.
    max_batch: int = Field(default=32, ge=1, le=256)
    # Threads making those model calls; each takes every question waiting when it is free. Two
    # let a 2-core machine embed two batches at once (bench/load.py, 8-way: 74 req/s against 50
    # with one, on a busy machine).
    batch_workers: int = Field(default=2, ge=1, le=64)
    cache_dir: Path | None = None  # where the ONNX export is kept; default DATA_DIR/models


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TUTOR_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Path(".data")
    corpus_dir: Path = Path("corpus")
    chroma_url: str | None = None
    # Server mode: a Chroma call that gets no answer in this long is 503 (embedded mode: unused).
    chroma_timeout_s: float = Field(default=5.0, gt=0)
    collection_prefix: str = "notes"
    database_url: str | None = None

    llm: str | None = None  # "provider:model", e.g. "openai:gpt-4o-mini"; None = offline
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    # One budget per request for all its LLM calls (condense + answer), first byte to last.
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_tokens: int = Field(default=512, ge=16)

    admin_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Slack Web API root; tests point it at a fake on 127.0.0.1.
    slack_api_url: str = "https://slack.com/api/"
    cors_origins: list[str] = []
    # Per client, shared by /v1/chat, /v1/chat/stream and /v1/chat/completions ("limits" syntax).
    rate_limit: str = "60/minute"
    max_message_chars: int = Field(default=4000, ge=1)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)  # larger request bodies get 413
    log_level: str = "INFO"
    # "json": one JSON object per line; "text": one plain line. Unset: JSON for the services
    # (`tutor serve`, `tutor slack`), text for terminal commands. Every line has the request id.
    log_format: Literal["json", "text"] | None = None
    log_json: bool | None = None  # the older spelling: TUTOR_LOG_JSON=false means text
    # Share of a practice test to get right to pass (the DVA-C02 exam: 720 of 1000).
    pass_mark: float = Field(default=0.72, gt=0, le=1)
    # What the notes are for, named in the LLM's question-writing prompt ("the AWS Certified
    # Developer Associate exam"); unset: taken from the notes' file name.
    subject: str | None = None

    retrieval: RetrievalSettings = RetrievalSettings()
    chunking: ChunkSettings = ChunkSettings()
    grading: GradingSettings = GradingSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    offline: OfflineSettings = OfflineSettings()

    @field_validator("llm")
    @classmethod
    def _provider_model(cls, value: str | None) -> str | None:
        if value is None or value.strip() in ("", "offline", "none"):
            return None
        if ":" not in value:
            raise ValueError("TUTOR_LLM must look like provider:model, e.g. openai:gpt-4o-mini")
        return value.strip()

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError("TUTOR_RATE_LIMIT must look like 60/minute or 10/second") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("TUTOR_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower() or None
            if value not in (None, "json", "text"):
                raise ValueError("TUTOR_LOG_FORMAT must be json or text")
        return value

    @field_validator("chroma_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("TUTOR_CHROMA_URL must start with http:// or https://")
        return value.rstrip("/")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def index_dir(self) -> Path:
        """Artifacts built beside the store at ingest (BM25, quiz bank), one folder per collection."""
        return self.data_dir / "index"

    @property
    def model_cache_dir(self) -> Path:
        return self.embedding.cache_dir or self.data_dir / "models"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'tutor.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
