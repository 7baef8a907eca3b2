"""`gridwatch import …` and `gridwatch export …`: a site's data in and out of the case store.

Exit codes of an import: 0 every row landed; 1 some rows were refused (the good ones are committed and
the refused ones listed with their line numbers); 2 the file cannot be read at all (nothing imported).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, app, console, errors, open_store
from gridwatch.db.imports.report import ImportFileError, ImportReport
from gridwatch.db.imports.report import Progress as ProgressCallback
from gridwatch.db.store import Store

import_app = typer.Typer(
    help="Import a site's org tree, grids, people, devices or cases.", no_args_is_help=True
)
export_app = typer.Typer(help="Export grids, cases or devices (.gpkg, .geojson, .csv).", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

EXIT_SOME_ROWS_FAILED = 1
EXIT_UNREADABLE = 2
SHOWN_ISSUES = 50

FileArg = typer.Argument(..., help="The file to import (.csv or .xlsx; geodata for grids).")
OutArg = typer.Argument(
    ..., help="The file to write: .gpkg, .geojson (EPSG:4326) or .csv (the import format)."
)


def _imports() -> SimpleNamespace:
    """The importers, loaded when an import runs: geopandas and pyogrio cost every other command 0.3 s."""
    from gridwatch.db.imports.cases import import_cases
    from gridwatch.db.imports.grids import import_grids
    from gridwatch.db.imports.setup_tables import import_setup

    return SimpleNamespace(import_cases=import_cases, import_grids=import_grids, import_setup=import_setup)


@contextmanager
def _progress_bar(label: str) -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _run(db: str | None, label: str, work: Callable[[Store, ProgressCallback], ImportReport]) -> None:
    """Run an import with a progress bar, print its report and exit with the documented code."""
    with open_store(db) as store:
        try:
            with _progress_bar(label) as progress:
                report = work(store, progress)
        except ImportFileError as exc:
            errors.print(f"[red]Cannot import: {exc}[/red]")
            raise typer.Exit(EXIT_UNREADABLE) from exc
    _print_report(report)
    if not report.ok:
        raise typer.Exit(EXIT_SOME_ROWS_FAILED)


def _print_report(report: ImportReport) -> None:
    table = Table(title=f"Import of {report.what}", show_header=True)
    for column in ("rows", "inserted", "updated", "unchanged", "skipped", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            str(v)
            for v in (
                report.total,
                report.inserted,
                report.updated,
                report.unchanged,
                report.skipped,
                f"{report.seconds:.2f}",
            )
        )
    )
    console.print(table)
    for item in report.created:
        console.print(f"created {item}")
    for title, issues, style in (("Warnings", report.warnings, "yellow"), ("Errors", report.errors, "red")):
        if not issues:
            continue
        console.print(f"[{style}]{title} ({len(issues)}):[/{style}]")
        for issue in sorted(issues, key=lambda i: i.line)[:SHOWN_ISSUES]:
            where = f"{report.line_label} {issue.line}: " if issue.line else ""
            console.print(f"  {where}{issue.reason}", markup=False, highlight=False)
        if len(issues) > SHOWN_ISSUES:
            console.print(f"  … and {len(issues) - SHOWN_ISSUES} more.")
    if report.ok:
        console.print(f"[green]All {report.total - report.skipped} rows landed.[/green]")
    else:
        console.print(f"[red]{report.skipped} row(s) were not imported; the other rows were.[/red]")


@import_app.command("grids")
def import_grids_command(
    file: Path = FileArg,
    level: str = typer.Option(
        "grid", help="Level of features without a level field: district|street|community|grid."
    ),
    code_field: str = typer.Option("code", help="Field holding the unit code."),
    name_field: str = typer.Option("name", help="Field holding the name."),
    parent_field: str = typer.Option("parent_code", help="Field holding the parent's code (optional)."),
    level_field: str = typer.Option("level", help="Field giving each feature's level (optional)."),
    layer: str | None = typer.Option(None, help="Layer of a multi-layer GeoPackage."),
    db: str | None = DbOption,
) -> None:
    """Import org-tree polygons from a GeoPackage, Shapefile or GeoJSON (any CRS; stored as EPSG:4490)."""
    _run(
        db,
        "grids",
        lambda store, progress: _imports().import_grids(
            store,
            file,
            level=level,
            code_field=code_field,
            name_field=name_field,
            parent_field=parent_field,
            level_field=level_field,
            layer=layer,
            progress=progress,
        ),
    )


def _setup_command(kind: str) -> None:
    def command(file: Path = FileArg, db: str | None = DbOption) -> None:
        _run(db, kind, lambda store, progress: _imports().import_setup(store, kind, file, progress=progress))

    command.__doc__ = f"Import the {kind} table (CSV or XLSX; columns in docs/IMPORT.md)."
    import_app.command(kind)(command)


for _kind in ("org", "departments", "people", "devices"):
    _setup_command(_kind)


@import_app.command("cases")
def import_cases_command(
    file: Path = FileArg,
    create_missing: bool = typer.Option(
        False,
        "--create-missing",
        help="Create unknown department and category codes instead of refusing the row.",
    ),
    tz: str = typer.Option("Asia/Shanghai", help="Time zone of times written without an offset."),
    db: str | None = DbOption,
) -> None:
    """Import cases from the work-order interchange file (CSV or XLSX), rebuilding their history."""
    _run(
        db,
        "cases",
        lambda store, progress: _imports().import_cases(
            store, file, create_missing=create_missing, tz=tz, progress=progress
        ),
    )


def _export_command(what: str) -> None:
    def command(file: Path = OutArg, db: str | None = DbOption) -> None:
        if not file.parent.is_dir():  # before any work, and without creating folders the user mistyped
            errors.print(f"Cannot write {file}: the folder {file.parent} does not exist.", markup=False)
            raise typer.Exit(EXIT_USER_ERROR)
        with open_store(db) as store:
            from gridwatch.db.exports import export  # geopandas: loaded only when exporting

            try:
                count = export(store, what, file)
            except OSError as exc:
                errors.print(f"Cannot write {file}: {exc.strerror or exc}.", markup=False)
                raise typer.Exit(EXIT_USER_ERROR) from exc
        console.print(f"Wrote {count} {what} to {file}.")

    command.__doc__ = f"Export {what} to .gpkg, .geojson (EPSG:4326) or .csv (re-importable)."
    export_app.command(what)(command)


for _what in ("grids", "cases", "devices"):
    _export_command(_what)
