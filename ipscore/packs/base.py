"""What every part of a pack's model is built from: a strict, frozen model, a source document
and a citation of its words, the form of an id. The assessment model (`model`) and the index
model (`index`) both build on it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Source(Strict):
    file: str
    title: str
    title_en: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    # Where a source not among the seed documents was read (a public page), for the reader.
    url: str | None = None


class Citation(Strict):
    source: str
    section: str
    text: str = Field(min_length=1)
