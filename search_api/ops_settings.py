"""Serving settings (limits, rate limit, CORS, logs, shutdown, workers): a mixin of
:class:`search_api.settings.Settings`, kept apart so the limits are read in one place."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import NoDecode

#: the multipart framing an upload adds around the file itself
UPLOAD_OVERHEAD = 1_048_576


class OpsSettings(BaseModel):
    max_body_bytes: int | None = Field(
        None, ge=1, description="request body cap (413 over it); default: "
        "max_file_bytes + 1 MiB, so any file that may be ingested may be uploaded")
    rate_limit: float = Field(50.0, ge=0, description="requests per second per API key "
                              "(or per address without one); 0 = no rate limit")
    rate_burst: int = Field(100, ge=1, description="requests a client may send at once")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed to call the API from a browser, "
        "comma-separated; empty: no CORS headers")
    cors_credentials: bool = Field(False, description="allow browser credentials (cookies); "
                                   "refused together with the origin '*'")
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", description="json: one JSON object per line; text: for people; "
        "auto: text on a terminal, JSON otherwise")
    shutdown_timeout: float = Field(30.0, ge=0, description="seconds in-flight requests get "
                                    "to finish on SIGTERM before the store is closed")
    workers: int = Field(1, ge=1, le=64, description="server processes (councilkg serve)")
    read_only: bool = Field(False, description="open the store read-only (write routes "
                            "answer 503); lets several processes share an embedded store")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> OpsSettings:
        if self.cors_credentials and "*" in self.cors_origins:
            raise ValueError(
                "COUNCILKG_CORS_ORIGINS='*' with COUNCILKG_CORS_CREDENTIALS=true would let any "
                "web site make credentialed calls: list the allowed origins instead")
        return self

    def body_limit(self, max_file_bytes: int) -> int:
        return self.max_body_bytes or max_file_bytes + UPLOAD_OVERHEAD
