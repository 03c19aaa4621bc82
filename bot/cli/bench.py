"""`python -m bot bench`: matcher speed and memory, printed as numbers.

Timings are medians and 95th percentiles over every question of a built-in
mixed set (Lao, Lao without tones, English, romanised, Thai, off-topic), with
the real content and with content scaled to N variants by generated entries
(real variants with syllables shuffled and typos added, under new ids).
Targets (issue 2): < 1 ms median at real size, < 10 ms at 20,000 variants.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from bot.core.content import Content, load_content
from bot.core.matching import Matcher
from bot.core.text import segment

QUESTIONS = [
    "how much does it cost to work in thailand",
    "what documents do i need for the MOU",
    "ໄປເຮັດວຽກເກົາຫຼີ ຕ້ອງເສັງ TOPIK ບໍ",
    "ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ ເຮັດແນວໃດ",
    "ສະຖານທູດລາວຢູ່ໂຕກຽວ",
    "ໄປເຮດວຽກຍປຸນ ເສຍເງນເທາໃດ",
    "pai het viak kaoli sia ngeun thao dai",
    "ไปทำงานเกาหลีต้องทำอย่างไร",
    "broker wants money before i go",
    "what's the weather today",
    "ສອນເຮັດອາຫານລາວ",
    "job on facebook pays 2000 dollars a month is it real",
]


def scaled(content: Content, n_variants: int, seed: int = 7) -> Content:
    rng = random.Random(seed)
    entries = list(content.entries)
    pool = [(e, lang, q) for e in content.entries for lang, qs in e.questions.items() for q in qs]
    total = sum(len(e.variants()) for e in entries)
    k = 0
    while total < n_variants:
        base = rng.choice(content.entries)
        qs: dict[str, tuple[str, ...]] = {}
        for lang in ("lo", "en"):
            variants = []
            for _ in range(12):
                _e, _l, q = rng.choice(pool)
                syl = segment(q)
                rng.shuffle(syl)
                if syl and rng.random() < 0.5:
                    syl.pop(rng.randrange(len(syl)))
                variants.append(" ".join(syl) + f" {k}")
            qs[lang] = tuple(variants)
        entries.append(dataclasses.replace(base, id=f"gen-{k}", questions=qs))
        total += 24 + 2
        k += 1
    return Content(tuple(entries), {e.id: e for e in entries}, content.topics, content.root)


def _time(matcher: Matcher, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        for q in QUESTIONS:
            t0 = time.perf_counter()
            matcher.match(q)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _build(content: Content) -> tuple[Matcher, float, float]:
    """Build time without tracing; peak memory of a second, traced build."""
    t0 = time.perf_counter()
    m = Matcher(content)
    build = (time.perf_counter() - t0) * 1000
    tracemalloc.start()
    Matcher(content)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return m, build, peak / 2**20


def run_bench(content_dir: Path, scaled: int = 20000, rounds: int = 3) -> int:
    content = load_content(content_dir)
    print(
        f"{'index':>22} {'variants':>9} {'build ms':>9} {'peak MiB':>9} {'median ms':>10} {'p95 ms':>8}"
    )
    for label, c in (("real content", content), (f"scaled to {scaled}", _scale(content, scaled))):
        m, build, peak = _build(c)
        m.match("warm up")
        med, p95 = _time(m, rounds)
        print(f"{label:>22} {len(m.index):9d} {build:9.1f} {peak:9.1f} {med:10.3f} {p95:8.3f}")
    return 0


_scale = scaled
