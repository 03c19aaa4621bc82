"""The FAQ matcher: a question -> Match(id, score, suggestions, decision).

Every question variant (lo, en, th, rom) and each entry's titles are indexed
once per content load. A question is scored against every variant with an
IDF-weighted cosine over tokens (Lao syllables, Latin words) and character
n-grams (typos, missing letters), through an inverted index, then the best
candidates are re-scored with rapidfuzz's token ratios in one batch call.
An entry's score is its best variant's.

Decisions use two numbers, not one (../shared/LAO_TEXT.md): answer only when the
best entry is high AND clearly ahead of the runner-up; suggest when plausible;
otherwise say so. Thresholds below were chosen from measurements on the dev
questions (docs/MATCHING.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.content import Content
from bot.core.text import fold, tokens

# --- decision thresholds (scores are 0-100) ----------------------------------------
ANSWER_MIN = 52.0  # best entry at least this ...
ANSWER_GAP = 6.0  # ... and this far ahead of the runner-up entry -> answer
SUGGEST_MIN = 30.0  # plausible: offer the top entries as choices
SUGGEST_WITHIN = 18.0  # a suggestion must be within this many points of the best
MAX_SUGGESTIONS = 3

# --- scoring -------------------------------------------------------------------
RERANK = 60  # variants re-scored with rapidfuzz
W_COSINE = 0.7  # blend: cosine (0-1, x100) and rapidfuzz token_sort_ratio
W_FUZZ = 0.3
NGRAM = 3
GRAM_WEIGHT = 0.5  # character n-grams count less than whole tokens
MAX_QUERY_CHARS = 400  # a question longer than this is cut (a pasted message, not a question)


@dataclass(frozen=True)
class Match:
    id: str | None  # the entry to answer with directly, None unless decision == "answer"
    score: float
    decision: str  # "answer" | "suggest" | "none"
    suggestions: tuple[str, ...]  # entries to offer as choices, best first (<= 3)
    best: str | None = None  # the best-scoring entry whatever the decision
    ranked: tuple[tuple[str, float], ...] = ()  # top entries with scores, for admins and tests


def _features(toks: list[str]) -> dict[str, float]:
    """Token features plus character n-grams inside each token (typo tolerance)."""
    feats: dict[str, float] = defaultdict(float)
    for t in toks:
        feats[t] += 1.0
        padded = f"<{t}>"
        if len(padded) > NGRAM:
            for i in range(len(padded) - NGRAM + 1):
                feats["#" + padded[i : i + NGRAM]] += GRAM_WEIGHT
    return feats


class Index:
    """Built once per content load; immutable afterwards (safe to swap atomically)."""

    def __init__(self, content: Content):
        self.entry_ids: list[str] = []
        self.variant_entry: list[int] = []
        self.variant_text: list[str] = []  # token strings, for rapidfuzz
        entry_pos: dict[str, int] = {}
        variant_feats: list[dict[str, float]] = []
        for e in content.entries:
            entry_pos[e.id] = len(self.entry_ids)
            self.entry_ids.append(e.id)
            seen: set[str] = set()
            for _lang, text in e.variants():
                toks = tokens(fold(text), folded=True)
                joined = " ".join(toks)
                if not toks or joined in seen:
                    continue
                seen.add(joined)
                self.variant_entry.append(entry_pos[e.id])
                self.variant_text.append(joined)
                variant_feats.append(_features(toks))
        # IDF by entry: a token in every entry's variants carries no information.
        n_entries = max(len(self.entry_ids), 1)
        df: dict[str, set[int]] = defaultdict(set)
        for vi, feats in enumerate(variant_feats):
            for f in feats:
                df[f].add(self.variant_entry[vi])
        self.idf = {f: math.log((n_entries + 1) / (len(es) + 0.5)) for f, es in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.norms: list[float] = []
        for vi, feats in enumerate(variant_feats):
            weighted = {f: tf * self.idf[f] for f, tf in feats.items()}
            norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
            self.norms.append(norm)
            for f, w in weighted.items():
                if w > 0:
                    self.postings[f].append((vi, w / norm))
        self.postings = dict(self.postings)

    def __len__(self) -> int:
        return len(self.variant_text)

    def entry_scores(self, question: str) -> list[tuple[str, float]]:
        """Entries with their best variant score, best first."""
        toks = tokens(fold(question[:MAX_QUERY_CHARS]), folded=True)
        if not toks:
            return []
        qfeats = {f: tf * self.idf[f] for f, tf in _features(toks).items() if f in self.idf}
        # features unknown to the index still count in the query's length: a
        # question about something else entirely scores low
        unknown = sum(tf for f, tf in _features(toks).items() if f not in self.idf)
        qnorm = math.sqrt(sum(w * w for w in qfeats.values()) + (unknown * 2.0) ** 2) or 1.0
        acc: dict[int, float] = defaultdict(float)
        for f, wq in qfeats.items():
            wq /= qnorm
            for vi, wv in self.postings[f]:
                acc[vi] += wq * wv
        if not acc:
            return []
        top = sorted(acc.items(), key=lambda kv: kv[1], reverse=True)[:RERANK]
        qtext = " ".join(toks)
        ratios = process.extract(
            qtext,
            {vi: self.variant_text[vi] for vi, _ in top},
            scorer=fuzz.token_sort_ratio,
            processor=None,
            limit=None,
        )
        ratio_of = {key: score for _, score, key in ratios}
        best: dict[int, float] = {}
        for vi, cos in top:
            s = W_COSINE * 100.0 * min(cos, 1.0) + W_FUZZ * ratio_of.get(vi, 0.0)
            ei = self.variant_entry[vi]
            if s > best.get(ei, -1.0):
                best[ei] = s
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        return [(self.entry_ids[ei], round(s, 1)) for ei, s in ranked]


def decide(ranked: list[tuple[str, float]]) -> Match:
    """Turn ranked entry scores into the bot's decision."""
    if not ranked:
        return Match(None, 0.0, "none", ())
    best_id, best = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0.0
    top = tuple(ranked[:5])
    if best >= ANSWER_MIN and best - runner >= ANSWER_GAP:
        sugg = tuple(i for i, s in ranked[1 : 1 + MAX_SUGGESTIONS] if s >= best - SUGGEST_WITHIN)
        return Match(best_id, best, "answer", sugg, best_id, top)
    if best >= SUGGEST_MIN:
        sugg = tuple(
            i for i, s in ranked[:MAX_SUGGESTIONS] if s >= max(SUGGEST_MIN, best - SUGGEST_WITHIN)
        )
        return Match(None, best, "suggest", sugg, best_id, top)
    return Match(None, best, "none", (), best_id, top)


class Matcher:
    def __init__(self, content: Content):
        self.content = content
        self.index = Index(content)

    def match(self, question: str) -> Match:
        return decide(self.index.entry_scores(question))
