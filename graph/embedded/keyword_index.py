"""BM25 over the passages' index texts, held in memory beside the dense matrix.

LanceDB's full-text search took ~8 ms a query at 100k passages, the largest part of a
/search left (bench/search_latency.py); this index answers the bench's queries in 1.2 ms
p50 / 2.4 ms p95 at 106k passages (a synthetic corpus of 1,064 distinct terms, so long
postings). It follows the analysis LanceDB's default ``FTS()`` applied (simple tokenizer
on letters and digits, tokens over 40 characters dropped, lower case, Snowball English
stemmer, then English stop words, ASCII folding) and the same Okapi BM25 (k1 1.2, b 0.75,
idf ``ln(1 + (N - n + 0.5) / (n + 0.5))``, a query term counted as often as it occurs):
the evaluation harness gives the same figures to the third decimal on all three question
sets (README, "Search quality").

Rows are numbered as in the dense matrix of the same table version, so one filter mask
serves both. Building tokenises every text once: the term counts of a row are kept by
(passage id, content hash) in a ``TermCounts`` shared across versions, so after a write
only the new rows are tokenised again.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75
MAX_TOKEN_LENGTH = 40
# The English stop list LanceDB's FTS applied (NLTK's; contractions left out: the tokenizer
# splits them into the short pieces listed). Like LanceDB, it is matched against the stems,
# so "only" (stem "onli") stays a term: matching the words before stemming measured .769
# instead of .802 BM25 MRR@10 on tests/eval/shared_questions.jsonl, equal on the other sets.
_STOP_LIST = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did
doing a an the and but if or because as until while of at by for with about against
between into through during before after above below to from up down in out on off over
under again further then once here there when where why how all any both each few more
most other some such no nor not only own same so than too very s t can will just don
should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn
mustn needn shan shouldn wasn weren won wouldn"""
STOP_WORDS = frozenset(_STOP_LIST.split())
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

Key = tuple[str, str]  # (passage id, content hash)
Counts = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]  # term ids, their frequencies


class Analyzer:
    """Text to index terms; stems are remembered (a corpus repeats its words)."""

    def __init__(self) -> None:
        import Stemmer

        self._stem = Stemmer.Stemmer("english").stemWord
        self._stems: dict[str, str] = {}

    def _term(self, token: str) -> str | None:
        stem = self._stems.get(token)
        if stem is None:
            folded = unicodedata.normalize("NFKD", token)
            folded = "".join(c for c in folded if not unicodedata.combining(c))
            stem = self._stem(folded)
            stem = "" if stem in STOP_WORDS else stem
            if len(self._stems) < 1_000_000:
                self._stems[token] = stem
        return stem or None

    def terms(self, text: str) -> list[str]:
        return [term for token in _TOKEN_RE.findall(text.lower())
                if len(token) <= MAX_TOKEN_LENGTH and (term := self._term(token))]


class TermCounts:
    """Term counts per row, kept across table versions; a term's id never changes."""

    def __init__(self) -> None:
        self.analyzer = Analyzer()
        self.vocabulary: dict[str, int] = {}
        self._rows: dict[Key, Counts] = {}
        self._lock = threading.Lock()

    def of(self, key: Key, text: str) -> Counts:
        counts = self._rows.get(key)
        if counts is None:
            tally = Counter(self.analyzer.terms(text))
            ids = np.fromiter((self._term_id(t) for t in tally), dtype=np.int32,
                              count=len(tally))
            counts = ids, np.fromiter(tally.values(), dtype=np.int32, count=len(tally))
            self._rows[key] = counts
        return counts

    def _term_id(self, term: str) -> int:
        return self.vocabulary.setdefault(term, len(self.vocabulary))

    def index(self, keys: Sequence[Key], texts: Sequence[str | None]) -> KeywordIndex:
        """The index of these rows, in this order; counts of rows gone are forgotten."""
        with self._lock:
            counts = [self.of(key, text or "") for key, text in zip(keys, texts, strict=True)]
            kept = set(keys)
            for gone in [k for k in self._rows if k not in kept]:
                del self._rows[gone]
            return KeywordIndex.build(counts, dict(self.vocabulary), self.analyzer)


class KeywordIndex:
    """Postings grouped by term, each with its row and its whole BM25 weight."""

    def __init__(self, vocabulary: dict[str, int], starts: npt.NDArray[np.int64],
                 rows: npt.NDArray[np.int32], weights: npt.NDArray[np.float32],
                 n_rows: int, analyzer: Analyzer) -> None:
        self.vocabulary = vocabulary
        self.starts = starts  # postings of term t: starts[t]:starts[t + 1]
        self.rows = rows
        self.weights = weights
        self.n_rows = n_rows
        self.analyzer = analyzer

    @classmethod
    def build(cls, counts: Sequence[Counts], vocabulary: dict[str, int],
              analyzer: Analyzer) -> KeywordIndex:
        n_rows, n_terms = len(counts), len(vocabulary)
        sizes = np.fromiter((len(ids) for ids, _ in counts), dtype=np.int64, count=n_rows)
        if sizes.sum() == 0:
            return cls(vocabulary, np.zeros(n_terms + 1, dtype=np.int64),
                       np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32),
                       n_rows, analyzer)
        terms = np.concatenate([ids for ids, _ in counts])
        freqs = np.concatenate([tf for _, tf in counts]).astype(np.float32)
        rows = np.repeat(np.arange(n_rows, dtype=np.int32), sizes)
        lengths = np.bincount(rows, weights=freqs, minlength=n_rows).astype(np.float32)
        average = float(lengths.mean()) or 1.0
        df = np.bincount(terms, minlength=n_terms)  # rows per term = postings per term
        idf = np.log1p((n_rows - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = K1 * (1 - B + B * lengths[rows] / average)
        weights = idf[terms] * freqs * (K1 + 1) / (freqs + norm)
        order = np.argsort(terms, kind="stable")
        starts = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=starts[1:])
        return cls(vocabulary, starts, rows[order], weights[order].astype(np.float32),
                   n_rows, analyzer)

    def query_terms(self, text: str) -> list[int]:
        """Known terms of the query, as often as they occur: a term the question repeats
        (or an acronym's expansion adds again) weighs more, as in LanceDB's FTS, which
        this index replaced (counting each once lost .05 MRR@10 of BM25 on the dev set)."""
        return [t for term in self.analyzer.terms(text)
                if (t := self.vocabulary.get(term)) is not None]

    def search(self, text: str, limit: int, mask: npt.NDArray[np.bool_] | None = None
               ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
        """Row numbers and BM25 scores of the ``limit`` best admitted rows that hold at
        least one query term, best first (ties by row number)."""
        terms = self.query_terms(text)
        empty = np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
        if not terms or limit <= 0:
            return empty
        scores = np.zeros(self.n_rows, dtype=np.float32)
        for t in terms:
            span = slice(self.starts[t], self.starts[t + 1])
            scores[self.rows[span]] += self.weights[span]  # a row appears once per term
        if mask is not None:
            scores[~mask] = 0.0
        hits = np.flatnonzero(scores > 0)
        if not len(hits):
            return empty
        limit = min(limit, len(hits))
        top = hits[np.argpartition(-scores[hits], limit - 1)[:limit]]
        top = top[np.lexsort((top, -scores[top]))]
        return top, scores[top]
