"""``python -m infodash survey create|wave``: setting a survey up without the app, e.g. before a scheduled import."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from infodash.catalogue import customer_group_named
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.formatting import count_of
from infodash.importers import parse_pairs
from infodash.instruments import (MEASURES, SurveyDraft, WaveDraft, create_survey, items_from_file, open_wave,
                                  survey_named)
from infodash.permissions import command_line


def add_survey_commands(commands: argparse._SubParsersAction) -> None:
    """The ``survey`` command and its ``create`` and ``wave`` steps, with their options."""
    survey_commands = commands.add_parser("survey", help="set up a survey and its waves without the app (e.g. "
                                                         "before a scheduled import)").add_subparsers(
        dest="survey_command", required=True)
    create = survey_commands.add_parser("create", help="a survey from a file of its items (CSV or Excel: code, "
                                                       "dimension, question), in the file's order")
    create.add_argument("items", type=Path, help="the items file")
    create.add_argument("--name", required=True)
    create.add_argument("--style", choices=sorted(MEASURES), default="perception",
                        help="perception (one level per item), servqual (expectation and perception) or libqual "
                             "(minimum, desired, perceived)")
    create.add_argument("--scale", default="1-7", metavar="LOW-HIGH", help="the answer scale (default 1-7)")
    create.add_argument("--no-nps", action="store_true", help="the survey does not ask the NPS question")
    create.add_argument("--no-csat", action="store_true", help="the survey does not ask overall satisfaction")
    create.add_argument("--importance-points", type=int, metavar="N",
                        help="respondents share N points of importance over the five dimensions")
    create.add_argument("--encoding", default="utf-8", help="the items file's text encoding (default utf-8)")
    create.add_argument("--author", default="survey job", help="who the survey is attributed to")
    wave = survey_commands.add_parser("wave", help="open a wave (round) of a survey")
    wave.add_argument("--survey", required=True, metavar="ID_OR_NAME")
    wave.add_argument("--name", required=True, help="e.g. 'Annual 2026'")
    wave.add_argument("--opens", required=True, type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    wave.add_argument("--closes", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    wave.add_argument("--invited", action="append", default=[], metavar="GROUP=N",
                      help="how many of a customer group (id or name) were invited, for response rates")
    wave.add_argument("--author", default="survey job", help="who the wave is attributed to")


def run_survey(store: Store, args: argparse.Namespace) -> int:
    """Run ``survey create`` or ``survey wave``; returns the exit code (bad input raises ValidationError)."""
    if args.survey_command == "create":
        low, dash, high = args.scale.partition("-")
        if not (dash and low.strip().isdigit() and high.strip().isdigit()):
            raise ValidationError({"scale": f"Write the scale as LOW-HIGH, e.g. 1-7, not {args.scale!r}."})
        items, codes = items_from_file(args.items, encoding=args.encoding)
        survey_id = create_survey(store, SurveyDraft(
            args.name, args.style, int(low), int(high), items, asks_nps=not args.no_nps, asks_csat=not args.no_csat,
            asks_importance=args.importance_points is not None, importance_points=args.importance_points or 100,
            codes=codes), command_line(args.author))
        print(f"survey {survey_id}: {args.name!r}, {count_of(len(items), 'item')} ({', '.join(codes[:5])}"
              f"{' ...' if len(codes) > 5 else ''})")
    else:
        survey_id = survey_named(store, args.survey)
        invited = {customer_group_named(store, group): _count(number, "invited")
                   for group, number in parse_pairs(args.invited, "invited").items()}
        wave_id = open_wave(store, WaveDraft(survey_id, args.name, args.opens, args.closes, invited),
                            command_line(args.author))
        print(f"wave {wave_id}: {args.name!r} of survey {survey_id}, from {args.opens:%Y-%m-%d}"
              + (f" to {args.closes:%Y-%m-%d}" if args.closes else ""))
    return 0


def _count(text: str, field_name: str) -> int:
    if not text.strip().isdigit():
        raise ValidationError({field_name: f"{text!r} is not a whole number."})
    return int(text)


