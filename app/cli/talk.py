"""`gridwatch talk`: play a recorded warning or spoken text on loudspeakers over RTP G.711."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from sqlalchemy import select

from gridwatch.cli.root import EXIT_USER_ERROR, DbOption, app, console, errors, open_store
from gridwatch.db.models import Device
from gridwatch.plugins.speakers.driver import load_driver, play
from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.plugins.speakers.rtp import CODECS
from gridwatch.plugins.speakers.sources import AudioSourceError, read_wav, speak

DEFAULT_CODEC = "pcmu"


def _is_address(target: str) -> bool:
    return "://" in target or ":" in target


def resolve_targets(targets: Sequence[str], db: str | None) -> tuple[list[str], list[str]]:
    """RTP addresses for the targets (addresses as given, speaker codes from the store), and the codecs
    the looked-up speakers declare."""
    codes = [t for t in targets if not _is_address(t)]
    found: dict[str, Device] = {}
    if codes:
        with open_store(db) as store, store.session() as session:
            rows = session.scalars(select(Device).where(Device.code.in_(codes), Device.kind == "loudspeaker"))
            found = {d.code: d for d in rows}
            session.expunge_all()
    missing = [c for c in codes if c not in found or not found[c].address]
    if missing:
        raise typer.BadParameter(f"no loudspeaker with an address for code(s): {', '.join(missing)}")
    for code in codes:
        if not found[code].online:
            errors.print(
                f"[yellow]note: {code} ({found[code].name}) is marked offline; calling it anyway[/yellow]"
            )
    addresses = [t if _is_address(t) else str(found[t].address) for t in targets]
    declared = [(found[c].protocol or "").removeprefix("rtp-") for c in codes]
    return addresses, [c for c in declared if c in CODECS]


def load_audio(file: Path | None, say: str | None) -> Pcm:
    if (file is None) == (say is None):
        raise typer.BadParameter("give exactly one of --file WAV or --say TEXT")
    try:
        return read_wav(file) if file is not None else speak(str(say))
    except AudioSourceError as exc:
        raise typer.BadParameter(str(exc)) from exc


@app.command()
def talk(
    targets: list[str] = typer.Argument(
        ..., metavar="SPEAKER", help="Loudspeaker codes, or rtp://HOST:PORT; several make one group call."
    ),
    file: Path | None = typer.Option(None, "--file", help="A WAV file (any rate and channels)."),
    say: str | None = typer.Option(None, "--say", help="Text to speak in Mandarin (espeak-ng)."),
    codec: str | None = typer.Option(
        None, "--codec", help="pcmu (G.711 µ-law) or pcma (A-law). Default: the speakers' own, else pcmu."
    ),
    driver: str = typer.Option("rtp", "--driver", help="Speaker driver (entry point in gridwatch.speakers)."),
    db: str | None = DbOption,
) -> None:
    """Play a WAV file or spoken text on one loudspeaker or a group, at real time, over RTP G.711."""
    if codec is not None and codec.lower() not in CODECS:
        raise typer.BadParameter(f"unknown codec {codec!r}; use pcmu or pcma", param_hint="--codec")
    pcm = load_audio(file, say)
    addresses, declared = resolve_targets(targets, db)
    chosen = (codec or (declared[0] if len(set(declared)) == 1 else DEFAULT_CODEC)).lower()
    try:
        call = load_driver(driver).open_call(addresses, chosen)
    except (ValueError, LookupError, OSError) as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USER_ERROR) from exc
    console.print(f"talking to {', '.join(addresses)} ({chosen}, {len(pcm) / 8000:.1f} s)…")
    try:
        play(call, pcm)
    finally:
        call.close()
    for problem in call.problems:
        errors.print(f"[yellow]note: {problem}[/yellow]")
    console.print("done")
