"""/stats as a picture: questions per day (stacked by decision) and the top topics.

A PNG made with Pillow; labels are ASCII (entry ids, numbers, short English words)
because the bundled font has no Lao glyphs. The caption sent with it is translated.
"""

from __future__ import annotations

import io

from bot.core.admin import Stats

WIDTH, HEIGHT = 960, 640
COLOURS = {"answer": (46, 139, 87), "suggest": (230, 159, 0), "none": (200, 60, 60)}
LABELS = {"answer": "answered", "suggest": "suggested", "none": "not matched"}
INK, GRID, PAPER = (30, 30, 30), (225, 225, 225), (255, 255, 255)


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def stats_png(stats: Stats) -> bytes:
    """Two panels: daily questions over `stats.days` days, then the most answered topics."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    title, small = _font(20), _font(13)
    draw.text((20, 12), f"Questions per day, last {stats.days} days", fill=INK, font=title)
    _daily(draw, stats, (60, 50, WIDTH - 20, 330), small)
    draw.text((20, 360), f"Top topics (answered), last {stats.days} days", fill=INK, font=title)
    _topics(draw, stats, (20, 395, WIDTH - 20, HEIGHT - 15), small)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _daily(draw, stats: Stats, box: tuple[int, int, int, int], font) -> None:
    x0, y0, x1, y1 = box
    plot_bottom = y1 - 40
    totals = [a + s + n for _d, a, s, n in stats.daily]
    top = max(max(totals, default=0), 1)
    step = _nice_step(top)
    ymax = step * -(-top // step)
    for v in range(0, ymax + 1, step):
        y = plot_bottom - (plot_bottom - y0) * v / ymax
        draw.line((x0, y, x1, y), fill=GRID)
        draw.text((x0 - 8, y), str(v), fill=INK, font=font, anchor="rm")
    n = max(len(stats.daily), 1)
    slot = (x1 - x0) / n
    for i, (day, *counts) in enumerate(stats.daily):
        left = x0 + i * slot + slot * 0.15
        right = x0 + (i + 1) * slot - slot * 0.15
        base = plot_bottom
        for kind, count in zip(("answer", "suggest", "none"), counts, strict=True):
            if count:
                h = (plot_bottom - y0) * count / ymax
                draw.rectangle((left, base - h, right, base), fill=COLOURS[kind])
                base -= h
        every = max(1, n // 10)
        if i % every == 0 or (i == n - 1 and i % every > every // 2):
            draw.text(((left + right) / 2, plot_bottom + 6), day.strftime("%m-%d"), fill=INK,
                      font=font, anchor="mt")  # fmt: skip
    lx = x0
    for kind in ("answer", "suggest", "none"):
        draw.rectangle((lx, y1 - 14, lx + 12, y1 - 2), fill=COLOURS[kind])
        label = f"{LABELS[kind]} ({stats.decisions.get(kind, 0)})"
        draw.text((lx + 18, y1 - 8), label, fill=INK, font=font, anchor="lm")
        lx += 40 + int(draw.textlength(label, font=font))


def _topics(draw, stats: Stats, box: tuple[int, int, int, int], font) -> None:
    x0, y0, x1, y1 = box
    topics = stats.topics[:8]
    if not topics:
        draw.text((x0, y0), "no answered questions yet", fill=INK, font=font)
        return
    label_w = max(int(draw.textlength(eid, font=font)) for eid, _n in topics) + 12
    most = max(n for _eid, n in topics)
    row = (y1 - y0) / len(topics)
    for i, (eid, n) in enumerate(topics):
        y = y0 + i * row
        draw.text((x0, y + row / 2), eid, fill=INK, font=font, anchor="lm")
        w = (x1 - x0 - label_w - 60) * n / most
        draw.rectangle((x0 + label_w, y + row * 0.2, x0 + label_w + w, y + row * 0.8),
                       fill=COLOURS["answer"])  # fmt: skip
        draw.text((x0 + label_w + w + 6, y + row / 2), str(n), fill=INK, font=font, anchor="lm")


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if top / step <= 6:
            return step
    return 10 ** len(str(top))
