"""The ``newsprism`` command. A thin face: parsing options and printing; the work is in the library.

Exit codes: 0 success; 1 some input was rejected (everything else was stored); 2 usage error;
3 nothing could be stored; 4 the thing asked for does not exist; 5 the store itself failed (disk full,
I/O error, read-only): what was committed before it stays.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import demo as demo_corpus
from .ingest import FieldMap, IngestOptions
from .library import Newsprism
from .pipeline import BadRequest, IngestReport, NotFound
from .ingest.errors import InputError
from .store import StoreError, data_home, default_location, is_server

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Group news articles into stories and compare their sources.")
console = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one rejection, one line, however narrow the terminal

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_NOTHING, EXIT_NOT_FOUND, EXIT_STORE = 0, 1, 2, 3, 4, 5

DbOpt = Annotated[Optional[str], typer.Option("--db", help="SQLite database file or postgresql:// URL "
                                               "(default: $NEWSPRISM_DB or ~/.local/share/newsprism/newsprism.db)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")]
RayOpt = Annotated[Optional[str], typer.Option("--ray", help="Run as Ray tasks: auto (this machine's cluster), local "
                                                "(start one here) or a cluster's address; needs pip install 'newsprism[ray]'")]


def _on_ray(stage: str, run, as_json: bool, echo: bool = True):
    """Run a stage on Ray with a progress bar; say how to install Ray when it is missing (exit 2); print
    what the tasks did. Returns the stage's report."""
    from .distribute import RayUnavailable

    try:
        with Progress(SpinnerColumn(), TextColumn(f"[bold]{stage}[/] on Ray"), BarColumn(bar_width=None),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err, transient=True,
                      disable=as_json) as bar:
            task = bar.add_task(stage, total=None)
            report = run(lambda done, total, _w: bar.update(task, completed=done, total=total))
    except RayUnavailable as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(EXIT_USAGE) from None
    for line in report.rejected[:200]:
        err.print(f"[red]rejected[/] {escape(line)}")
    if not echo:
        return report
    if as_json:
        _print_json(report.to_dict())
    else:
        extra = " · ".join(f"{k} {v:,}" for k, v in report.counts.items())
        console.print(f"{stage}: {report.items:,} in {report.tasks:,} Ray tasks{' · ' + extra if extra else ''} · "
                      f"[red]rejected {len(report.rejected):,}[/] in {report.seconds:.1f}s")
    return report


def _open(db: str | None) -> Newsprism:
    return Newsprism.open(db)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def ingest(
    targets: Annotated[list[str], typer.Argument(help="Files, directories, archives, URLs, or - for stdin")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
    field: Annotated[Optional[list[str]], typer.Option("--field", help="Map a JSON/CSV field: article_field=input_field (e.g. text=maintext)")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="Force the input format instead of sniffing: text, jsonl, json, csv, html, feed, warc, reuters-sgml")] = None,
    max_doc_mb: Annotated[float, typer.Option(help="Largest article read, in MB: one file, JSON Lines line, CSV record or WARC page")] = 10.0,
    max_expanded_mb: Annotated[float, typer.Option(help="Most one file or archive member may expand to when decompressed, in MB")] = 8192.0,
    earliest_date: Annotated[str, typer.Option(help="Publication dates before this are kept as metadata, not used")] = "1800-01-01",
    future_days: Annotated[int, typer.Option(help="Publication dates more than this many days ahead are kept as metadata, not used")] = 2,
    allow_private_urls: Annotated[bool, typer.Option(help="Allow URLs on private or loopback addresses")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    ray: RayOpt = None,
) -> None:
    """Read articles from any supported input and store them; re-ingesting the same input changes nothing."""
    try:
        opts = IngestOptions(fields=FieldMap.parse(field), max_doc_bytes=int(max_doc_mb * 1024 * 1024),
                             max_expanded_bytes=int(max_expanded_mb * 1024 * 1024),
                             allow_private_urls=allow_private_urls, format=fmt,
                             earliest_date=_iso_day(earliest_date), future_days=future_days)
    except ValueError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None
    if ray:
        if "-" in targets:
            err.print("[red]error:[/] stdin cannot be read by Ray tasks: give files, directories or URLs")
            raise typer.Exit(EXIT_USAGE)
        with _open(db) as news:
            done = _on_ray("ingest", lambda p: news.ingest_on_ray(*targets, ray=ray, options=opts, progress=p), as_json)
        raise typer.Exit(EXIT_REJECTED if done.rejected else EXIT_OK)
    with _open(db) as news:
        report = _ingest_with_progress(targets, news, opts, show=not (quiet or as_json))
    if as_json:
        _print_json({"db": news.location, **report.to_dict()})
    else:
        _print_ingest_summary(report, news.location)
    raise typer.Exit(_ingest_exit_code(report))


def _iso_day(value: str) -> str:

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"--earliest-date {value!r} is not a date like 1800-01-01") from None


def _ingest_with_progress(targets: list[str], news: Newsprism, opts: IngestOptions, show: bool) -> IngestReport:
    if not show:
        return news.ingest(*targets, options=opts)
    with Progress(SpinnerColumn(), TextColumn("[bold]ingest[/]"), BarColumn(bar_width=None),
                  TextColumn("{task.fields[read]} read · {task.fields[rej]} rejected · {task.fields[rate]}/s"),
                  TextColumn("[dim]{task.fields[where]}[/]"), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("ingest", total=None, read=0, rej=0, rate=0, where="")
        started, last = time.perf_counter(), [0.0]

        def progress(read: int, rejected: int, where: str) -> None:
            now = time.perf_counter()
            if now - last[0] > 0.1:  # redraw at most ten times a second
                last[0] = now
                leaf = where.rsplit("/", 1)[-1][-40:]
                bar.update(task, read=read, rej=rejected, rate=int(read / max(now - started, 1e-6)), where=leaf)

        return news.ingest(*targets, options=opts, progress=progress)


def _ingest_exit_code(report: IngestReport) -> int:
    return report.exit_code


def _print_ingest_summary(report: IngestReport, db: str) -> None:
    for rej in report.rejected[:200]:
        err.print(f"[red]rejected[/] {escape(rej.line())}")
    if len(report.rejected) > 200:
        err.print(f"[red]… and {len(report.rejected) - 200} more rejections[/] (newsprism stats --rejections)")
    for warning in report.warnings[:50]:
        err.print(f"[yellow]warning[/] {escape(warning)}")
    rate = f"{report.read / report.seconds:,.0f} articles/s" if report.seconds and report.read else ""
    console.print(
        f"read {report.read:,} · [green]new {report.new:,}[/] · updated {report.updated:,} · "
        f"duplicate {report.unchanged:,} · [red]rejected {len(report.rejected):,}[/] "
        f"in {report.seconds:.1f}s {rate} → {escape(db)}"
    )
    if report.unchanged and not report.stored:
        console.print("nothing new: every article was already stored")


def _article_row(a) -> dict[str, Any]:
    return {"id": a.id, "published": a.published, "source": a.source, "lang": a.lang, "title": a.title or _lead(a)}


def _lead(a, width: int = 90) -> str:
    first = a.text[a.sentences[0][0]:a.sentences[0][1]] if a.sentences else a.text
    return first if len(first) <= width else first[: width - 1] + "…"


@app.command()
def articles(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    source: Annotated[Optional[str], typer.Option(help="Only this outlet")] = None,
    lang: Annotated[Optional[str], typer.Option(help="Only this language (ISO 639-1)")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option(help="How many")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many")] = 0,
) -> None:
    """List stored articles, newest first."""
    with _open(db) as news:
        rows = news.articles(source=source, lang=lang, since=since, until=until, limit=limit, offset=offset)
    if as_json:
        _print_json([_article_row(a) for a in rows])
        return
    table = Table("id", "published", "source", "lang", "title", box=None, pad_edge=False)
    for a in rows:
        r = _article_row(a)
        table.add_row(a.id, a.published or "-", escape(a.source or "-"), a.lang or "-", escape(r["title"]))
    console.print(table)
    console.print(f"[dim]{len(rows)} shown (offset {offset})[/]")


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id (or an unambiguous prefix)")], db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Show one article: metadata, where each field came from, and its text."""
    with _open(db) as news:
        art = news.article(article_id)
        extraction = news.extraction(art) if art else None
    if art is None:
        err.print(f"[red]no article {escape(article_id)!s}[/]")
        raise typer.Exit(EXIT_NOT_FOUND)
    if as_json:
        _print_json({**art.to_dict(), "extraction": extraction.to_dict() if extraction else None})
        return
    console.print(f"[bold]{escape(art.title or _lead(art))}[/]")
    meta = Table(box=None, show_header=False, pad_edge=False)
    meta.add_row("id", art.id)
    meta.add_row("source", f"{escape(art.source or '-')} [dim]({art.source_provenance})[/]")
    meta.add_row("published", f"{art.published or '-'} [dim]({art.date_provenance}, {art.date_precision})[/]")
    if "date_year_basis" in art.extra:
        meta.add_row("", f"[yellow]year inferred from the {escape(art.extra['date_year_basis'])}[/]")
    meta.add_row("language", art.lang or "-")
    meta.add_row("url", escape(art.url or "-"))
    meta.add_row("from", escape(f"{art.origin} [{art.record}]" if art.record else art.origin))
    meta.add_row("sentences", str(len(art.sentences)))
    for w in art.warnings:
        meta.add_row("warning", f"[yellow]{escape(w)}[/]")
    console.print(meta)
    console.print()
    if extraction is None:
        console.print(escape(art.text))
        console.print("[dim]not extracted yet: newsprism extract[/]")
        return
    console.print(_highlighted(art.text, extraction))
    console.print()
    _print_extraction(extraction)


_STYLES = {"quote": "green", "speaker": "bold magenta", "time": "cyan", "garbled": "bold white on red",
           "quantity": "bold yellow", "person": "magenta", "organisation": "blue", "place": "dark_cyan", "other": "white"}


def _highlighted(text: str, ex) -> Text:
    """The article text with extracted spans styled: quotes, speakers, times (garbled ones loudly), figures."""
    out = Text(text)
    for e in ex.entities:
        out.stylize(_STYLES.get(e.kind, "white"), e.span.start, e.span.end)
    for q in ex.quotes:
        out.stylize(_STYLES["quote"], q.content.start, q.content.end)
        if q.speaker_span:
            out.stylize(_STYLES["speaker"], q.speaker_span.start, q.speaker_span.end)
    for t in ex.times:
        out.stylize(_STYLES["garbled" if "garbled" in t.flags else "time"], t.span.start, t.span.end)
    for n in ex.quantities:
        out.stylize(_STYLES["quantity"], n.span.start, n.span.end)
    return out


def _print_extraction(ex) -> None:
    legend = " · ".join(f"[{style}]{name}[/]" for name, style in _STYLES.items())
    console.print(f"[dim]legend:[/] {legend}")
    if ex.quotes:
        table = Table("speaker", "cue", "", "content", "span", box=None, pad_edge=False, title="quotes")
        for q in ex.quotes:
            table.add_row(escape(q.speaker or "?"), escape(q.cue), "direct" if q.direct else "indirect",
                          escape(q.content_text[:90]), f"{q.content.start}-{q.content.end}")
        console.print(table)
    if ex.times:
        table = Table("text", "value", "flags", "span", box=None, pad_edge=False, title="time expressions")
        for t in ex.times:
            flags = ", ".join(t.flags + ([t.modifier.lower()] if t.modifier else []))
            table.add_row(escape(t.text), t.value or "?", f"[red]{flags}[/]" if "garbled" in t.flags else flags,
                          f"{t.span.start}-{t.span.end}")
        console.print(table)
    if ex.quantities:
        table = Table("text", "kind", "value", "role/unit", "span", box=None, pad_edge=False, title="figures")
        for n in ex.quantities:
            table.add_row(escape(n.text), n.kind, f"{n.value:g}", n.role or n.unit or "", f"{n.span.start}-{n.span.end}")
        console.print(table)
    names: dict[tuple[str, str], int] = {}
    for e in ex.entities:
        names[(e.kind, e.canonical)] = names.get((e.kind, e.canonical), 0) + 1
    if names:
        console.print("[bold]entities[/] " + "; ".join(f"{escape(n)} [dim]({k}, {c}×)[/]" for (k, n), c in sorted(names.items())))


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words that must all appear; \"quotes\" for a phrase; Chinese works too")],
           db: DbOpt = None, as_json: JsonOpt = False, limit: int = 20) -> None:
    """Full-text search over titles and texts."""
    with _open(db) as news:
        hits = news.search(query, limit)
    if as_json:
        _print_json([{**_article_row(a), "snippet": snip} for a, snip in hits])
        return
    for a, snip in hits:
        console.print(f"[bold]{a.id}[/] {a.published or '-'} [cyan]{escape(a.source or '-')}[/] {escape(a.title or '')}")
        console.print(f"    {escape(snip)}")
    console.print(f"[dim]{len(hits)} hit(s)[/]")


@app.command()
def stats(db: DbOpt = None, as_json: JsonOpt = False,
          rejections: Annotated[bool, typer.Option("--rejections", help="List rejected inputs with their reasons")] = False) -> None:
    """What the store holds: counts by language, source and date provenance, and rejected inputs."""
    with _open(db) as news:
        data = news.stats()
        if rejections:
            data["rejections"] = news.rejections(1000)
    if as_json:
        _print_json(data)
        return
    console.print(f"[bold]{data['articles']:,}[/] articles from {data['sources']:,} sources in {escape(data['db'])} "
                  f"(schema v{data['schema_version']}); published {data['published_range'][0]} … {data['published_range'][1]}; "
                  f"{data['rejected_inputs']:,} rejected inputs")
    for key in ("languages", "date_provenance", "top_sources"):
        table = Table(key.replace("_", " "), "articles", box=None, pad_edge=False)
        for name, count in data[key].items():
            table.add_row(escape(str(name)), f"{count:,}")
        console.print(table)
    for rej in data.get("rejections", []):
        where = f"{rej['origin']} [{rej['record']}]" if rej["record"] else rej["origin"]
        console.print(f"[red]rejected[/] {escape(where)}: {escape(rej['reason'])} [dim](×{rej['times']})[/]")


@app.command("cluster")
def cluster_cmd(db: DbOpt = None, as_json: JsonOpt = False,
                rebuild: Annotated[bool, typer.Option(help="Forget automatic decisions and cluster everything again (manual edits stay)")] = False,
                config: Annotated[Optional[Path], typer.Option(help="Clustering config JSON (default: the shipped, dev-trained one)")] = None,
                ray: Annotated[Optional[str], typer.Option("--ray", help="Encode headlines as Ray tasks first (auto, local or an "
                                                            "address); clustering itself stays one process")] = None) -> None:
    """Put new articles into stories (incremental: only articles in no story yet)."""
    from .cluster import ClusterConfig

    cfg = ClusterConfig.load(config) if config else None
    if ray:
        with _open(db) as news:
            _on_ray("embed", lambda p: news.embed_on_ray(ray, p), as_json, echo=not as_json)
    with _open(db) as news, Progress(SpinnerColumn(), TextColumn("[bold]cluster[/]"), BarColumn(bar_width=None),
                                     TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                                     transient=True, disable=as_json) as bar:
        task = bar.add_task("cluster", total=None)
        report = news.cluster(rebuild=rebuild, config=cfg,
                              progress=lambda done, total, _w: bar.update(task, completed=done, total=total),
                              on_wait=lambda why: err.print(f"[yellow]{escape(why)}[/]"))
    if as_json:
        _print_json(report.to_dict())
        return
    console.print(f"{report.articles:,} articles clustered: {report.new_stories:,} new stories, {report.joined:,} joined one, "
                  f"{report.duplicates:,} duplicates in {report.seconds:.1f}s (config {escape(report.config_version)})")


@app.command("extract")
def extract_cmd(db: DbOpt = None, as_json: JsonOpt = False,
                redo: Annotated[bool, typer.Option(help="Extract every article again, not only new or changed ones")] = False,
                ray: RayOpt = None) -> None:
    """Find entities, quotes, time expressions and figures in articles (incremental: only new or changed ones)."""
    if ray:
        with _open(db) as news:
            done = _on_ray("extract", lambda p: news.extract(redo=redo, progress=p, ray=ray), as_json)
        raise typer.Exit(EXIT_REJECTED if done.rejected else EXIT_OK)
    with _open(db) as news, Progress(SpinnerColumn(), TextColumn("[bold]extract[/]"), BarColumn(bar_width=None),
                                     TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                                     transient=True, disable=as_json) as bar:
        task = bar.add_task("extract", total=None)
        report = news.extract(redo=redo, progress=lambda done, total, _w: bar.update(task, completed=done, total=total))
    if as_json:
        _print_json(report.to_dict())
        return
    console.print(f"{report.articles:,} articles: {report.entities:,} entity mentions, {report.quotes:,} quotes, "
                  f"{report.times:,} time expressions ({report.garbled_times:,} flagged garbled), {report.quantities:,} figures "
                  f"in {report.seconds:.1f}s ({escape(report.version)})")


@app.command("compare")
def compare_cmd(story_id: Annotated[int, typer.Argument(help="Story id (see newsprism stories)")], db: DbOpt = None,
                fmt: Annotated[str, typer.Option("--format", help="md | html | json")] = "md",
                out: Annotated[Optional[Path], typer.Option(help="Write to this file instead of the terminal")] = None) -> None:
    """Compare a story's sources: agreement, unique content, omissions, contradictions, quotes, timeline."""
    from .compare.dossier import RENDERERS

    if fmt not in RENDERERS:
        err.print(f"[red]--format must be one of {', '.join(RENDERERS)}[/]")
        raise typer.Exit(EXIT_USAGE)
    with _open(db) as news:
        text = news.dossier(story_id, fmt)
    if text is None:
        err.print(f"[red]no story {story_id}[/]")
        raise typer.Exit(EXIT_NOT_FOUND)
    if out:
        out.write_text(text, encoding="utf-8")
        err.print(f"dossier of story {story_id} written to {escape(str(out))}")
    else:
        sys.stdout.write(text + "\n")


@app.command("report")
def report_cmd(out_dir: Annotated[Path, typer.Argument(help="Directory for one dossier per story and an index")],
               db: DbOpt = None, fmt: Annotated[str, typer.Option("--format", help="md | html | json")] = "html",
               min_size: Annotated[int, typer.Option(help="Only stories with at least this many articles")] = 2,
               limit: int = 200, ray: RayOpt = None) -> None:
    """Write the dossier of every story with several sources, and an index of them."""
    from .compare.dossier import RENDERERS

    if fmt not in RENDERERS:
        err.print(f"[red]--format must be one of {', '.join(RENDERERS)}[/]")
        raise typer.Exit(EXIT_USAGE)
    with _open(db) as news, Progress(SpinnerColumn(), TextColumn("[bold]report[/]"), BarColumn(bar_width=None),
                                     TextColumn("{task.completed}/{task.total}"), console=err, transient=True) as bar:
        task = bar.add_task("report", total=None)
        try:
            result = news.report(out_dir, fmt, min_size, limit,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total), ray=ray)
        except ImportError as exc:  # RayUnavailable is one
            err.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(EXIT_USAGE) from None
    for sid, why in result.failed:
        err.print(f"[red]story {sid}: no dossier[/] ({escape(why)})")
    console.print(f"{len(result.written)} dossiers written to {escape(str(out_dir))} (index.md)")
    raise typer.Exit(EXIT_REJECTED if result.failed else EXIT_OK)


@app.command()
def stories(db: DbOpt = None, as_json: JsonOpt = False, limit: int = 30, offset: int = 0,
            min_size: Annotated[int, typer.Option(help="Only stories with at least this many articles")] = 1,
            biggest: Annotated[bool, typer.Option(help="Biggest first instead of most recent first")] = False) -> None:
    """List stories: size, outlets, languages, date range, representative title."""
    with _open(db) as news:
        rows = news.stories(limit=limit, offset=offset, min_size=min_size, order="size" if biggest else "recent")
    if as_json:
        _print_json(rows)
        return
    table = Table("story", "size", "dates", "languages", "sources", "title", box=None, pad_edge=False)
    for r in rows:
        dates = f"{(r['first_published'] or '-')[:10]}…{(r['last_published'] or '-')[:10]}"
        table.add_row(str(r["id"]), str(r["size"]), dates, ",".join(r["languages"]), escape(", ".join(r["sources"])[:40]), escape(r["title"][:70]))
    console.print(table)


@app.command()
def story(story_id: int, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """One story: its articles, how each joined, and links between them (copy-of, update-of, translation-of)."""
    with _open(db) as news:
        found = news.story(story_id)
    resolved, members = found if found is not None else (None, [])
    if not members:
        err.print(f"[red]no story {story_id}[/]")
        raise typer.Exit(EXIT_NOT_FOUND)
    if as_json:
        _print_json({"id": resolved, "articles": [{**_article_row(a), **info} for a, info in members]})
        return
    if resolved != story_id:
        console.print(f"[dim]story {story_id} was merged into {resolved}[/]")
    console.print(f"[bold]story {resolved}[/]: {len(members)} articles")
    for a, info in members:
        links = "; ".join(f"{l['type']} {l['target_id']}" for l in info["links"])
        console.print(f"  {a.id} {a.published or '-':10.10} {a.lang or '-':3} [cyan]{escape(a.source or '-')}[/] "
                      f"{escape(a.title or _lead(a))} [dim]{info['method']}{' · ' + escape(links) if links else ''}[/]")


@app.command()
def person(name: str, db: DbOpt = None, as_json: JsonOpt = False, limit: int = 50) -> None:
    """What a person was quoted saying, newest first, under every spelling the corpus taught (兰布卡 is Sitiveni
    Rabuka once two reports of one story give both the same words). Exit 4: no quote of them."""
    with _open(db) as news:
        canonical, spellings = news.spellings(name)
        rows = news.person(name, limit)
    if as_json:
        _print_json({"name": canonical, "spellings": spellings,
                     "items": [{**_article_row(a), "story": sid, "quotes": quotes} for a, quotes, sid in rows]})
    else:
        console.print(f"[bold]{escape(canonical)}[/]" + (f" [dim]({escape(name)} is a spelling of it)[/]" if canonical != name else ""))
        for s in spellings:
            proof = " / ".join(f"{x['article_id']}:{x['span']['start']}-{x['span']['end']}" for x in s["evidence"])
            console.print(f"  also written [magenta]{escape(s['alias'])}[/] [dim](story {s['story_id']}: {proof})[/]")
        for a, quotes, sid in rows:
            console.print(f"  {a.id} {a.published or '-':10.10} {a.lang or '-':3} [cyan]{escape(a.source or '-')}[/] story {sid}")
            for q in quotes:
                console.print(f"    “{escape(q['content_text'][:120])}” [dim]({q['cue']})[/]")
    if not rows:
        err.print(f"no quote of {escape(name)} in the extracted articles")
        raise typer.Exit(EXIT_NOT_FOUND)


def _edit(action):
    """Run a story edit (or an outlet's naming) and return what it returns; a story or article that does not exist is
    exit code 4, an edit that cannot be made 2."""

    try:
        return action()
    except NotFound as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(EXIT_NOT_FOUND) from None
    except BadRequest as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(EXIT_USAGE) from None


@app.command()
def merge(target: int, others: list[int], db: DbOpt = None) -> None:
    """Merge stories into TARGET. Later automatic runs keep them together."""
    with _open(db) as news:
        _edit(lambda: news.merge(target, others))
    console.print(f"merged {', '.join(map(str, others))} into story {target}")


@app.command()
def split(articles: list[str], db: DbOpt = None) -> None:
    """Take articles out of their story into a new story of their own."""
    with _open(db) as news:
        sid = _edit(lambda: news.split(articles))
    console.print(f"new story {sid} with {len(articles)} article(s)")


@app.command()
def move(article: str, story_id: int, db: DbOpt = None) -> None:
    """Move one article to another story. Later automatic runs leave it there."""
    with _open(db) as news:
        target = _edit(lambda: news.move([article], story_id))
    console.print(f"moved {article} to story {target}")


@app.command()
def undo(db: DbOpt = None) -> None:
    """Undo the latest correction (merge, split or move); run again to undo the one before. Exit 3: nothing to undo."""
    with _open(db) as news:
        edit = news.last_edit()
        if edit is None:
            err.print("no correction to undo")
            raise typer.Exit(EXIT_NOTHING)
        touched = news.undo()
    console.print(f"undid the {edit['action']} of {edit['at']}: stories {', '.join(map(str, touched or []))} as they were")


@app.command()
def outlet(article: str, name: str, db: DbOpt = None) -> None:
    """Name the outlet of ARTICLE (one known only by its file name, or none): the name wins over any guess."""
    with _open(db) as news:
        stored = _edit(lambda: news.name_outlet(article, name))
    console.print(f"{article}: outlet {escape(stored)}")


@app.command("copy")
def copy_cmd(source: Annotated[str, typer.Argument(help="The store to copy: a SQLite file or a postgresql:// URL")],
             target: Annotated[str, typer.Argument(help="Where to copy it (created and migrated as needed)")],
             as_json: JsonOpt = False) -> None:
    """Copy a whole store to another backend (e.g. SQLite to PostgreSQL). Interrupted, run it again: it goes on."""
    if not is_server(source) and not Path(source).exists():
        err.print(f"[red]{escape(source)}: no such store[/]")
        raise typer.Exit(EXIT_NOT_FOUND)
    with _open(source) as news, Progress(SpinnerColumn(), TextColumn("[bold]{task.description}[/]"), BarColumn(bar_width=None),
                                         TextColumn("{task.completed:,}/{task.total:,}"), console=err, transient=True,
                                         disable=as_json) as bar:
        tasks: dict[str, Any] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.update(tasks[table], completed=done)

        report = news.copy_to(target, progress)
    if as_json:
        _print_json(report.to_dict())
        return
    moved = ", ".join(f"{n:,} {t}" for t, n in report.rows.items() if n)
    console.print(f"{'resumed: ' if report.resumed else ''}copied {escape(report.source)} → {escape(report.target)}: {moved or 'nothing new'}")


# --- following the news live ---------------------------------------------------------------------------

sources_app = typer.Typer(help="The feeds, sitemaps and sites `newsprism watch` follows", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
watchlist_app = typer.Typer(help="Rules that raise alerts as articles come in", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")
PrivateOpt = Annotated[bool, typer.Option("--allow-private-urls", help="Let sources and pages live on private or loopback addresses")]


def _ago(moment: float | None, now: float) -> str:
    if moment is None:
        return "-"
    secs = moment - now
    amount = abs(secs)
    text = f"{amount:.0f}s" if amount < 120 else f"{amount / 60:.0f}m" if amount < 7200 else f"{amount / 3600:.1f}h"
    return f"in {text}" if secs > 0 else f"{text} ago"


@sources_app.command("add")
def sources_add(urls: list[str], db: DbOpt = None, as_json: JsonOpt = False,
                interval: Annotated[int, typer.Option(help="Seconds between polls")] = 600,
                name: Annotated[Optional[str], typer.Option(help="The outlet's name (instead of the feed's title)")] = None,
                lang: Annotated[Optional[str], typer.Option(help="The language of its articles (instead of detecting it)")] = None,
                allow_private_urls: PrivateOpt = False) -> None:
    """Follow a feed (RSS, Atom), a news sitemap, a site's page (its feeds are found), or an OPML file's feeds."""
    from .watch import WatchOptions

    added, failed = [], []
    with _open(db) as news:
        for url in urls:  # one URL that fails must not keep the others out
            try:
                added += news.add_sources(url, interval_s=interval, name=name, lang=lang,
                                          options=WatchOptions(allow_private=allow_private_urls))
            except InputError as exc:
                failed.append(str(exc))
                err.print(f"[red]{escape(str(exc))}[/]")
    if as_json:
        _print_json({"added": [dict(s, new=new) for s, new in added], "failed": failed})
    else:
        for s, new in added:
            console.print(f"{'following' if new else 'already following'} {s['kind']} {escape(s['url'])} (source {s['id']})")
    raise typer.Exit(EXIT_REJECTED if failed else EXIT_OK)


@sources_app.command("list")
def sources_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Each source with its state: last poll, last new article, errors, next poll."""
    with _open(db) as news:
        rows = news.sources()
    if as_json:
        _print_json(rows)
        return
    now = time.time()
    table = Table("id", "kind", "url", "name", "state", "polled", "last new", "articles", "next", box=None, pad_edge=False)
    for r in rows:
        state = "off" if not r["enabled"] else (r["last_status"] or "new")
        if r["errors"]:
            state = f"[red]error ×{r['errors']}: {escape((r['last_error'] or '')[:60])}[/]"
        table.add_row(str(r["id"]), r["kind"], escape(r["url"]), escape(r["name"] or ""), state, _ago(r["last_poll"], now),
                      _ago(r["last_new"], now), str(r["articles"]), _ago(r["next_poll"], now) if r["enabled"] else "-")
    console.print(table)


@sources_app.command("set")
def sources_set(source: str, db: DbOpt = None,
                enabled: Annotated[Optional[bool], typer.Option("--enabled/--disabled", help="Poll it or not")] = None,
                interval: Annotated[Optional[int], typer.Option(help="Seconds between polls")] = None,
                name: Annotated[Optional[str], typer.Option(help="The outlet's name")] = None,
                lang: Annotated[Optional[str], typer.Option(help="The language of its articles")] = None) -> None:
    """Change a source (by id or URL): enable or disable it, its interval, outlet name or language."""
    fields = {k: v for k, v in {"enabled": enabled, "interval_s": interval, "name": name, "lang": lang}.items() if v is not None}
    with _open(db) as news:
        found = news.set_source(source, **fields)
    if found is None:
        err.print(f"[red]no source {escape(source)}[/]")
        raise typer.Exit(EXIT_NOT_FOUND)
    console.print(f"source {found['id']}: {'enabled' if found['enabled'] else 'disabled'}, every {found['interval_s']}s")


@sources_app.command("remove")
def sources_remove(sources: list[str], db: DbOpt = None) -> None:
    """Stop following sources (by id or URL); their articles stay."""
    with _open(db) as news:
        missing = [s for s in sources if not news.remove_source(s)]
    for s in missing:
        err.print(f"[red]no source {escape(s)}[/]")
    raise typer.Exit(EXIT_NOT_FOUND if missing else EXIT_OK)


@sources_app.command("import")
def sources_import(file: Path, db: DbOpt = None,
                   interval: Annotated[int, typer.Option(help="Seconds between polls")] = 600) -> None:
    """Follow every feed an OPML file lists."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]{escape(str(file))}: {escape(exc.strerror or str(exc))}[/]")
        raise typer.Exit(EXIT_NOT_FOUND) from None
    with _open(db) as news:
        try:
            added = news.import_opml(data, str(file), interval)
        except InputError as exc:
            err.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(EXIT_REJECTED) from None
    console.print(f"{sum(new for _, new in added)} new source(s), {sum(not new for _, new in added)} already followed")


@sources_app.command("export")
def sources_export(db: DbOpt = None, out: Annotated[Optional[Path], typer.Option(help="Write to this file")] = None) -> None:
    """The sources as OPML (any feed reader imports it)."""
    with _open(db) as news:
        text = news.export_opml()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command("watch")
def watch_cmd(db: DbOpt = None, as_json: JsonOpt = False,
              once: Annotated[bool, typer.Option(help="One cycle (every due source), then exit")] = False,
              politeness: Annotated[float, typer.Option(help="Seconds between two requests to one host")] = 1.0,
              allow_private_urls: PrivateOpt = False) -> None:
    """Poll the sources as they come due; after each cycle cluster, extract, recompute the touched dossiers and
    raise alerts. Stops cleanly on SIGTERM or Ctrl-C (an interrupted cycle's sources stay due)."""
    import signal
    import threading

    from .watch import WatchOptions

    options = WatchOptions(allow_private=allow_private_urls, politeness_s=politeness)
    stop = threading.Event()

    def show(report) -> None:
        if as_json:
            _print_json(report.to_dict())
        elif report.poll.polled or report.alerts:
            r = report
            console.print(f"{time.strftime('%H:%M:%S')} polled {r.poll.polled} ({r.poll.not_modified} unchanged, "
                          f"[red]{r.poll.errors} failed[/]) · new {r.poll.new} · updated {r.poll.updated} · "
                          f"{len(r.stories)} stories updated · {r.alerts} alerts · {r.seconds:.1f}s")

    with _open(db) as news:
        watcher = news.watcher(options)
        if once:
            show(watcher.cycle())
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if not as_json:
            err.print(f"watching {len(news.sources())} source(s); Ctrl-C stops")
        watcher.run(stop, show)


@watchlist_app.command("add")
def watchlist_add(name: str, db: DbOpt = None,
                  entity: Annotated[Optional[str], typer.Option(help="A person, organisation or place (毛宁 = Mao Ning)")] = None,
                  keyword: Annotated[Optional[str], typer.Option(help="Words that must all appear (\"phrases\" in quotes)")] = None,
                  story: Annotated[Optional[int], typer.Option(help="A story id")] = None,
                  events: Annotated[str, typer.Option(help="For a story: article,source,contradiction")] = "",
                  source: Annotated[Optional[str], typer.Option(help="An outlet's name or a followed source's URL")] = None,
                  webhook: Annotated[Optional[str], typer.Option(help="POST each alert here (JSON)")] = None,
                  secret: Annotated[Optional[str], typer.Option(help="Sign webhook bodies with this key (HMAC-SHA256)")] = None) -> None:
    """Be alerted when an entity, a query, a story or a source moves."""
    rules = [(k, v) for k, v in (("entity", entity), ("keyword", keyword), ("story", story), ("source", source)) if v is not None]
    if len(rules) != 1:
        err.print("[red]give one of --entity, --keyword, --story, --source[/]")
        raise typer.Exit(EXIT_USAGE)
    kind, target = rules[0]
    with _open(db) as news:
        try:
            wid = news.add_watchlist(name, kind, str(target), events, webhook, secret)
        except ValueError as exc:
            err.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(EXIT_USAGE) from None
    console.print(f"watchlist {wid}: {kind} {escape(str(target))}")


@watchlist_app.command("list")
def watchlist_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    with _open(db) as news:
        rows = [dict(w, secret=bool(w["secret"])) for w in news.watchlists()]
        counts = {w["id"]: len(news.alerts(w["id"], limit=10_000)) for w in rows}
    if as_json:
        _print_json([dict(w, alerts=counts[w["id"]]) for w in rows])
        return
    table = Table("id", "name", "kind", "watches", "alerts", "webhook", box=None, pad_edge=False)
    for w in rows:
        table.add_row(str(w["id"]), escape(w["name"]), w["kind"], escape(w["target"] + (f" ({w['events']})" if w["events"] else "")),
                      str(counts[w["id"]]), escape(w["webhook"] or ""))
    console.print(table)


@watchlist_app.command("remove")
def watchlist_remove(watchlist_id: int, db: DbOpt = None) -> None:
    with _open(db) as news:
        if not news.remove_watchlist(watchlist_id):
            err.print(f"[red]no watchlist {watchlist_id}[/]")
            raise typer.Exit(EXIT_NOT_FOUND)


@app.command("alerts")
def alerts_cmd(db: DbOpt = None, as_json: JsonOpt = False,
               watchlist: Annotated[Optional[int], typer.Option(help="One watchlist's alerts")] = None,
               unseen: Annotated[bool, typer.Option(help="Only those not seen yet")] = False,
               mark_seen: Annotated[bool, typer.Option(help="Mark the listed watchlist's (or all) alerts seen")] = False,
               limit: int = 50) -> None:
    """The alerts watchlists raised, newest first."""
    with _open(db) as news:
        rows = news.alerts(watchlist, limit, unseen)
        if mark_seen:
            news.mark_alerts_seen(watchlist)
    if as_json:
        _print_json(rows)
        return
    for a in rows:
        mark = "" if a["seen"] else "[bold]•[/] "
        console.print(f"{mark}{a['at'][:16]} [dim]#{a['watchlist_id']}[/] {escape(a['title'])}")


eval_app = typer.Typer(help="Score newsprism on benchmark files", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("clustering")
def eval_clustering(file: Path, out: Annotated[Optional[Path], typer.Option("--out", help="Write {id, story} lines here")] = None,
                    config: Annotated[Optional[Path], typer.Option(help="Clustering config JSON")] = None) -> None:
    """Ingest a common-format file into a fresh store, cluster it in publication order, and score it."""
    from .eval.clustering import evaluate

    result = evaluate(file, out, config)
    sys.stdout.write(json.dumps(result) + "\n")


@eval_app.command("pairs")
def eval_pairs(file: Path, config: Annotated[Optional[Path], typer.Option(help="Clustering config JSON")] = None,
               stories: Annotated[bool, typer.Option("--stories", help="Cluster every article of the pairs and count "
                                                     "how often same-story and different pairs land in one story")] = False) -> None:
    """Score article pairs (SemEval-2022 Task 8 format): Pearson r of the pair similarity against the gold
    Overall score, or with --stories how the clusterer groups them."""
    from .eval.pairs import evaluate, evaluate_stories

    sys.stdout.write(json.dumps(evaluate_stories(file, config) if stories else evaluate(file, config)) + "\n")


@eval_app.command("timex")
def eval_timex(path: Annotated[Path, typer.Argument(help="TimeML .tml files: a directory or a .tar.xz (TempEval-3 TBAQ)")],
               errors: Annotated[Optional[Path], typer.Option(help="Write every miss and wrong value here (TSV)")] = None) -> None:
    """Time expressions against TimeML gold: detection P/R/F1 and value F1 against the creation time."""
    from .eval.timex import evaluate

    sys.stdout.write(json.dumps(evaluate(path, errors)) + "\n")


@eval_app.command("quotes")
def eval_quotes(path: Annotated[Path, typer.Argument(help="PolNeAR .tar.xz (brat text + attributions)")],
                part: Annotated[str, typer.Option(help="train | dev")] = "dev",
                errors: Annotated[Optional[Path], typer.Option(help="Write every miss here (TSV)")] = None) -> None:
    """Quotes and attributions against PolNeAR: content P/R/F1 (overlap >= half the longer span), speaker accuracy."""
    from .eval.quotes import evaluate

    sys.stdout.write(json.dumps(evaluate(path, part, errors)) + "\n")


@eval_app.command("figures")
def eval_figures(corpus: Annotated[Path, typer.Argument(help="Articles: JSON lines (gzipped or not) or BASIL's .tar.xz")],
                 labels: Annotated[Path, typer.Argument(help="Hand labels, e.g. benchmarks/labels/figures_gva.json")],
                 errors: Annotated[Optional[Path], typer.Option(help="Write every mismatch here (TSV)")] = None,
                 split: Annotated[Optional[str], typer.Option(help="Only the labels of this split (dev, test, test2 ... test6)")] = None) -> None:
    """Killed, injured and arrested counts against hand labels: precision and recall per role."""
    from .eval.figures import evaluate

    sys.stdout.write(json.dumps(evaluate(corpus, labels, errors, split)) + "\n")


@eval_app.command("basil")
def eval_basil(path: Annotated[Path, typer.Argument(help="BASIL .tar.xz (articles + annotations)")],
               limit: Annotated[Optional[int], typer.Option(help="Only the first N triplets")] = None) -> None:
    """Source comparison against BASIL: unique content vs informational-bias sentences, quote speakers."""
    from .eval.basil import evaluate

    sys.stdout.write(json.dumps(evaluate(path, limit)) + "\n")


@app.command()
def serve(db: DbOpt = None, host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8000,
          allow_private_urls: Annotated[bool, typer.Option(help="Let ingest fetch private and loopback addresses")] = False,
          workers: Annotated[int, typer.Option(help="Server processes (one per core serves the most readers)")] = 1,
          watch: Annotated[bool, typer.Option("--watch", help="Poll the sources too, in a process beside the server")] = False) -> None:
    """Serve the JSON API (/api, OpenAPI at /docs) and the web UI. Writes need NEWSPRISM_TOKEN; reads are open
    unless NEWSPRISM_READ_TOKEN is set."""

    import uvicorn

    from .api import create_app, settings_from_env

    # Settings travel in the environment so that every worker process builds the same app.
    os.environ["NEWSPRISM_DB"] = db or default_location()
    os.environ["NEWSPRISM_ALLOW_PRIVATE_URLS"] = "1" if allow_private_urls else "0"
    settings = settings_from_env()
    if not settings.write_token:
        err.print("[yellow]no NEWSPRISM_TOKEN set: the server is read-only[/]")
    poller = _start_watcher(settings.db, allow_private_urls) if watch else None
    try:
        if workers > 1:
            Newsprism.open(settings.db).close()  # migrate once here, not in a race between the workers
            uvicorn.run("newsprism.api:settings_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
        else:
            uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    finally:
        if poller is not None:
            poller.terminate()  # SIGTERM: the poller ends its current source and stops
            poller.wait(60)


def _start_watcher(db: str, allow_private: bool):
    """`newsprism watch` in a process of its own (polling, clustering and extraction never hold up the server's
    event loop or its GIL); it gets SIGTERM if the server dies, however it dies."""
    import ctypes
    import signal
    import subprocess

    def die_with_parent() -> None:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    cmd = [sys.executable, "-m", "newsprism.cli", "watch", "--db", db] + (["--allow-private-urls"] if allow_private else [])
    err.print("[dim]polling the sources in a process beside the server[/]")
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)


@app.command()
def demo(db: Annotated[Optional[str], typer.Option("--db", help="Where to build the demo store, a file or a postgresql:// URL "
                                                  "(default: demo.db beside the default store)")] = None,
         as_json: JsonOpt = False) -> None:
    """Run the main job on the bundled demo corpus: ingest it, group it into stories, list them."""
    default = default_location()
    path = db or str(data_home() / "demo.db" if is_server(default) else Path(default).with_name("demo.db"))
    with Newsprism.open(path) as news:
        report = news.ingest(demo_corpus.corpus_path())
        clustered = news.cluster()
        data = news.stats()
        listing = news.stories(limit=20, order="size")
    if as_json:
        _print_json({"ingest": report.to_dict(), "cluster": clustered.to_dict(), "stats": data, "stories": listing})
        raise typer.Exit(_ingest_exit_code(report))
    _print_ingest_summary(report, str(path))
    console.print(f"[bold]{data['articles']}[/] articles · languages {data['languages']} · {data['sources']} sources · "
                  f"{clustered.articles} clustered this run")
    table = Table("story", "size", "languages", "sources", "title", box=None, pad_edge=False, title="stories, biggest first")
    for r in listing:
        table.add_row(str(r["id"]), str(r["size"]), ",".join(r["languages"]), escape(", ".join(r["sources"])[:45]), escape(r["title"][:60]))
    console.print(table)
    console.print(f"[dim]next: newsprism story 1 --db {escape(str(path))} · newsprism search --db {escape(str(path))} 渡轮[/]")
    raise typer.Exit(_ingest_exit_code(report))


def main() -> None:

    try:
        app()
    except StoreError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(EXIT_STORE)


if __name__ == "__main__":
    main()
