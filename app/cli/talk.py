"""`gridwatch talk`: play a recorded warning or spoken text on loudspeakers over RTP G.711.

Speakers named by code or group are taken through the store's talk arbiter (one talker per speaker, a
higher role takes over) and every broadcast is kept on the record; bare rtp://HOST:PORT targets are for
testing a receiver and go out without either.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from gridwatch.cli.root import (
    EXIT_USER_ERROR,
    AsOption,
    DbOption,
    acting_user,
    app,
    console,
    errors,
    open_store,
)
from gridwatch.db import talk as arbiter
from gridwatch.db.store import Store
from gridwatch.plugins.speakers.broadcast import broadcast as broadcast_to_speakers
from gridwatch.plugins.speakers.driver import Call, load_driver, play
from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.plugins.speakers.rtp import CODECS
from gridwatch.plugins.speakers.sources import AudioSourceError, read_wav, speak


def _is_address(target: str) -> bool:
    return "://" in target or ":" in target


def load_audio(file: Path | None, say: str | None) -> Pcm:
    if (file is None) == (say is None):
        raise typer.BadParameter("give exactly one of --file WAV or --say TEXT")
    try:
        return read_wav(file) if file is not None else speak(str(say))
    except AudioSourceError as exc:
        raise typer.BadParameter(str(exc)) from exc


def open_call(driver: str, addresses: Sequence[str], codec: str) -> Call:
    try:
        return load_driver(driver).open_call(addresses, codec)
    except (ValueError, LookupError, OSError) as exc:
        errors.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USER_ERROR) from exc


def play_untracked(call: Call, addresses: Sequence[str], codec: str, pcm: Pcm) -> None:
    """rtp://HOST:PORT targets: a test of a receiver, with no arbiter and no record."""
    console.print(f"talking to {', '.join(addresses)} ({codec}, {len(pcm) / 8000:.1f} s)…")
    try:
        play(call, pcm)
    finally:
        call.close()
    for problem in call.problems:
        errors.print(f"[yellow]note: {problem}[/yellow]")


def checked_speakers(store: Store, codes: Sequence[str], group: str | None) -> list[arbiter.Speaker]:
    found = arbiter.speakers(store, codes, group)
    unreachable = [s.code for s in found if not s.address]
    if unreachable:
        errors.print(
            f"[red]no address for loudspeaker(s) {', '.join(unreachable)}: set it in the device table[/red]"
        )
        raise typer.Exit(EXIT_USER_ERROR)
    for speaker in found:
        if not speaker.online:
            errors.print(
                f"[yellow]note: {speaker.code} ({speaker.name}) is marked offline; calling it anyway[/yellow]"
            )
    return found


@app.command()
def talk(
    targets: list[str] | None = typer.Argument(
        None,
        metavar="[SPEAKER]...",
        help="Loudspeaker codes, or rtp://HOST:PORT (untracked, for testing); several make one group call.",
    ),
    group: str | None = typer.Option(
        None, "--group", help="Every loudspeaker of this priority group, in the same call."
    ),
    file: Path | None = typer.Option(None, "--file", help="A WAV file (any rate and channels)."),
    say: str | None = typer.Option(None, "--say", help="Text to speak in Mandarin (espeak-ng)."),
    codec: str | None = typer.Option(
        None, "--codec", help="pcmu (G.711 µ-law) or pcma (A-law). Default: the speakers' own, else pcmu."
    ),
    driver: str = typer.Option("rtp", "--driver", help="Speaker driver (entry point in gridwatch.speakers)."),
    user: str | None = AsOption,
    db: str | None = DbOption,
) -> None:
    """Play a WAV file or spoken text on one loudspeaker or a group, at real time, over RTP G.711."""
    if codec is not None and codec.lower() not in CODECS:
        raise typer.BadParameter(f"unknown codec {codec!r}; use pcmu or pcma", param_hint="--codec")
    if not targets and group is None:
        raise typer.BadParameter("name a loudspeaker (code or rtp://HOST:PORT) or a --group")
    pcm = load_audio(file, say)
    addresses = [t for t in targets or [] if _is_address(t)]
    codes = [t for t in targets or [] if not _is_address(t)]
    if not codes and group is None:
        chosen = (codec or arbiter.DEFAULT_CODEC).lower()
        play_untracked(open_call(driver, addresses, chosen), addresses, chosen, pcm)
        console.print("done")
        return
    with open_store(db) as store:
        username = acting_user(store, user)
        checked_speakers(store, codes, group)
        console.print(f"talking ({len(pcm) / 8000:.1f} s of audio)…")
        try:
            done = broadcast_to_speakers(
                store,
                username,
                pcm,
                kind="file" if file is not None else "tts",
                codes=codes,
                group=group,
                text=say,
                codec=codec,
                also_to=addresses,
                driver=driver,
            )  # a busy speaker: SpeakerBusy names the holder, exit 1
        except (ValueError, LookupError, OSError) as exc:
            errors.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USER_ERROR) from exc
        console.print(f"talked to {', '.join(done.addresses)} ({done.codec}, {done.seconds:.1f} s)")
        for loser in done.preempted:
            errors.print(f"[yellow]note: took the speaker over from {loser}[/yellow]")
        for problem in done.problems:
            errors.print(f"[yellow]note: {problem}[/yellow]")
        if done.taken_over_by is not None:
            errors.print(
                f"[red]{done.taken_over_by} took over the speaker; the broadcast stopped after "
                f"{done.seconds:.1f} s. Play it again when they have finished.[/red]"
            )
            raise typer.Exit(EXIT_USER_ERROR)
    console.print("done")
