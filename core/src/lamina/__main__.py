"""Command line: `python -m lamina plugins` (also installed as the `lamina` script)."""

from __future__ import annotations

import argparse
import sys
import warnings


def main(argv: list[str] | None = None) -> int:
    """Run the `lamina` command line; returns the exit status.

    Args:
        argv: the arguments after the program name (default: `sys.argv[1:]`).

    Example:
        $ python -m lamina plugins
    """
    parser = argparse.ArgumentParser(prog="lamina", description="lamina command line tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    plugins = commands.add_parser(
        "plugins", help="list installed plugins, what each provides, and any that failed"
    )
    plugins.add_argument(
        "-v", "--verbose", action="store_true", help="also list every built-in name"
    )
    args = parser.parse_args(argv)
    if args.command == "plugins":
        sys.stdout.write(format_plugin_report(verbose=args.verbose))
    return 0


def format_plugin_report(verbose: bool = False) -> str:
    """The text `python -m lamina plugins` prints."""
    from lamina import plugins

    # Failures are part of the report; the RuntimeWarnings would only repeat them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = plugins.plugin_report()
    core, entries = report[0], report[1:]
    lines = [
        f"lamina {core.version} (plugin API {plugins.PLUGIN_API}); "
        f"plugins come from the entry-point group {plugins.ENTRY_POINT_GROUP!r}",
        "built-in: "
        + (", ".join(f"{len(names)} {kind}" for kind, names in core.provides.items()) or "nothing"),
    ]
    if verbose:
        lines += _provides(core)
    loaded = [p for p in entries if p.status == "loaded"]
    lines.append(f"plugins loaded: {len(loaded) or 'none'}")
    for p in loaded:
        lines.append(f"  {p.name}: {p.distribution} {p.version}")
        lines += _provides(p) or ["    (registers nothing)"]
    for status in ("failed", "disabled"):
        group = [p for p in entries if p.status == status]
        if group:
            lines.append(f"plugins {status}: {len(group)}")
            lines += [f"  {p.name}: {p.reason}" for p in group]
    return "\n".join(lines) + "\n"


def _provides(info) -> list[str]:
    return [f"    {kind}: {', '.join(names)}" for kind, names in info.provides.items()]


if __name__ == "__main__":
    sys.exit(main())
