"""Exports: the branch table as CSV/XLSX and charts as PNG/SVG/PDF.

Exports take their data from the same suppressed frames as the screen, so they respect
confidentiality exactly like it. Text cells that a spreadsheet would run as a formula (starting
with = + - @, tab or carriage return) are neutralised with a leading apostrophe (OWASP). Dates and
times are written in the language's format (German 05.12.2026 12:49:10), in Excel as real dates.
Charts are rendered by kaleido in the system Chromium (``$LOYALTY_CHROMIUM``, default
``/usr/bin/chromium``); its server is started once per process and never downloads a browser.
"""

from __future__ import annotations

import io
import os
import threading

import plotly.graph_objects as go
import polars as pl

from loyalty import figcache, i18n
from loyalty.i18n import t

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHROMIUM = "/usr/bin/chromium"


def neutralise(value: str | None) -> str | None:
    """A text cell that cannot start a formula in a spreadsheet."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Neutralise every text column (numbers stay numbers)."""
    pattern = "^[=+\\-@\t\r]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(pattern))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )


def labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Columns renamed to the language's headers (``col.<name>`` messages)."""
    return frame.rename({c: t(f"col.{c}", lang) for c in frame.columns})


#: How a date and a moment (to the second) are written per language: in CSV as
#: :data:`loyalty.i18n.DATE_FORMATS` and ``TIME_FORMATS``, in XLSX with Excel's number format
#: (where they stay real dates).
EXCEL_DATE_FORMATS = {"de": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
EXCEL_TIME_FORMATS = {"de": "dd.mm.yyyy hh:mm:ss", "en": "yyyy-mm-dd hh:mm:ss"}
#: The same on screen: st.column_config's date and datetime formats (moment.js) per language.
SCREEN_DATE = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
SCREEN_TIME = {"de": "DD.MM.YYYY HH:mm", "en": "YYYY-MM-DD HH:mm"}


def _to_the_second(frame: pl.DataFrame) -> pl.DataFrame:
    """Moments cut to the second (what the file shows is what it holds)."""
    return frame.with_columns(
        pl.col(c).dt.truncate("1s") for c, d in frame.schema.items() if isinstance(d, pl.Datetime)
    )


def table_csv(frame: pl.DataFrame, lang: str, *, label: bool = True) -> bytes:
    """CSV as a spreadsheet in that language opens it: German ';' and decimal comma, dates
    05.12.2026 and moments 05.12.2026 12:49:10 (English: ',', ISO); UTF-8 with BOM so Excel
    reads the umlauts. ``label=False`` keeps the frame's own headers."""
    out = safe_text(frame)
    out = labelled(out, lang) if label else out
    dates = {"date_format": i18n.DATE_FORMATS[lang], "datetime_format": i18n.TIME_FORMATS[lang]}
    if lang == "de":
        text = out.write_csv(separator=";", decimal_comma=True, float_precision=2, **dates)
    else:
        text = out.write_csv(float_precision=2, **dates)
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def table_xlsx(
    frame: pl.DataFrame, lang: str, sheet: str = "Loyalty", *, label: bool = True
) -> bytes:
    """XLSX with numbers as numbers, dates as Excel dates shown in the language's format,
    neutralised text and the sheet named ``sheet``. ``label=False`` keeps the frame's own
    headers."""
    buffer = io.BytesIO()
    out = _to_the_second(safe_text(frame))
    out = labelled(out, lang) if label else out
    floats = [c for c, d in out.schema.items() if d.is_float()]
    out.write_excel(
        buffer,
        worksheet=sheet[:31],
        autofit=True,
        column_formats={c: "0.00" for c in floats},
        dtype_formats={pl.Date: EXCEL_DATE_FORMATS[lang], pl.Datetime: EXCEL_TIME_FORMATS[lang]},
    )
    return buffer.getvalue()


_kaleido_lock = threading.Lock()
_kaleido_started = False


def _ensure_kaleido() -> None:
    global _kaleido_started
    with _kaleido_lock:
        if _kaleido_started:
            return
        import kaleido

        path = os.environ.get("LOYALTY_CHROMIUM", CHROMIUM)
        if not os.path.exists(path):
            raise RuntimeError(f"no Chromium at {path}: install Debian's chromium package")
        os.environ.setdefault("BROWSER_PATH", path)  # choreographer uses it, never downloads
        kaleido.start_sync_server(n=1, timeout=90, silence_warnings=True)
        _kaleido_started = True


def chart_image(
    fig: go.Figure,
    fmt: str = "png",
    width: int = 1200,
    height: int | None = None,
    scale: float = 2.0,
) -> bytes:
    """A chart as PNG, SVG or PDF bytes."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}")
    import kaleido

    _ensure_kaleido()
    # a copy (figcache.copy_of: the figure may be shared); on screen: the app's theme
    fig = figcache.copy_of(fig).update_layout(template="plotly_white")
    opts = {
        "format": fmt,
        "width": width,
        "height": height or fig.layout.height or 500,
        "scale": scale if fmt == "png" else 1,
    }
    return kaleido.calc_fig_sync(fig, opts=opts)
