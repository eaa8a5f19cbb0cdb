"""The one settings object (prefix ``COUNCILKG_``), read by the CLI and the API only."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.neo4j.config import Neo4jConfig
from graph.search import FusionConfig
from ingest.embedding import DEFAULT_MODEL
from ingest.formats.isolation import ReaderLimits
from ingest.pipeline import ParseOptions
from search_api.ops_settings import OpsSettings

_FUSION = FusionConfig()


class Settings(OpsSettings, BaseSettings):  # serving limits, CORS, logs: OpsSettings
    model_config = SettingsConfigDict(env_prefix="COUNCILKG_", extra="ignore")

    store: Path = Field(Path(".councilkg/store"), description="store directory")
    backend: str = Field("embedded", description="graph backend: embedded | neo4j")
    # the four Neo4j variables keep their usual names (no COUNCILKG_ prefix)
    neo4j_uri: str | None = Field(None, validation_alias=AliasChoices("NEO4J_URI", "neo4j_uri"),
                                  description="bolt:// or neo4j:// address of the server")
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "neo4j_user"))
    neo4j_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("NEO4J_PASSWORD", "neo4j_password"))
    neo4j_database: str = Field(
        "neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "neo4j_database"))
    neo4j_timeout: float = Field(60.0, gt=0, description="seconds per Neo4j transaction")
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers name or path")
    batch_size: int = Field(32, ge=1, le=1024)
    torch_threads: int = Field(1, ge=0, le=256,
                               description="intra-op threads of the model; 0: torch's default")
    query_runtime: Literal["onnx", "torch"] = Field(
        "onnx", description="runtime that encodes queries: onnx (the model exported once, "
        "same vectors, ~3x faster per query; torch if the export fails) or torch")
    model_cache: Path | None = Field(None, description="folder of exported models; "
                                     "default ~/.cache/councilkg/onnx")
    dense_exact_limit: int = Field(
        20_000, ge=0, description="embedded store: up to this many passages dense search "
        "scans every vector; above it, sign bits pick candidates that are scored exactly")
    max_file_bytes: int = Field(20_000_000, ge=1, description="larger files fail with a reason")
    reader_timeout: float = Field(25.0, ge=0, description="seconds a Word/PDF reader may run "
                                  "(in a child process); 0: in-process, no limit")
    reader_memory_mb: int = Field(2048, ge=256, description="address-space cap of that child")
    target_words: int = Field(150, ge=20, le=350)
    max_words: int = Field(220, ge=50, le=350)
    # fusion defaults live in FusionConfig (tuned there, see its docstring)
    rrf_k: int = Field(_FUSION.rrf_k, ge=1)
    bm25_weight: float = Field(_FUSION.bm25_weight, ge=0)
    dense_weight: float = Field(_FUSION.dense_weight, ge=0)
    bm25_lead: float = Field(_FUSION.bm25_lead, ge=0, le=1,
                             description="BM25's first hit stays first in hybrid fusion when "
                             "it scores more than this fraction of its score above the "
                             "second; 1: off")
    entity_weight: float = Field(_FUSION.entity_weight, ge=0)
    evidence_weight: float = Field(_FUSION.evidence_weight, ge=0)
    candidates: int = Field(_FUSION.candidates, ge=1, le=1000)
    iri_base: str = Field("https://w3id.org/councilkg",
                          description="base of the IRIs minted in RDF exports")
    public_read: bool = Field(False, description="anonymous callers get read scope with "
                                                 "public clearance instead of a 401")
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"

    def parse_options(self) -> ParseOptions:
        return ParseOptions(max_bytes=self.max_file_bytes, target_words=self.target_words,
                            max_words=self.max_words,
                            reader=ReaderLimits(timeout=self.reader_timeout,
                                                memory_bytes=self.reader_memory_mb * 2**20))

    def neo4j(self) -> Neo4jConfig | None:
        """The Neo4j connection, or None when NEO4J_URI is not set."""
        if not self.neo4j_uri:
            return None
        return Neo4jConfig(uri=self.neo4j_uri, user=self.neo4j_user,
                           password=self.neo4j_password.get_secret_value(),
                           database=self.neo4j_database, timeout=self.neo4j_timeout)

    def fusion(self) -> FusionConfig:
        return FusionConfig(rrf_k=self.rrf_k, bm25_weight=self.bm25_weight,
                            dense_weight=self.dense_weight, bm25_lead=self.bm25_lead,
                            entity_weight=self.entity_weight,
                            evidence_weight=self.evidence_weight,
                            candidates=self.candidates)
