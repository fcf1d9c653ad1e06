"""/transparency: what the Local Government Transparency Code 2015 asks of the council, whether each
return was published on time (the last eight quarters and three financial years), and the datasets
meeting each obligation; /transparency/status.atom: the same statuses as an Atom feed to watch.

The statuses come from westsuffolk_core.deadlines (the rules) through ..transparency_status (the
public datasets); the JSON is the action westsuffolk_transparency_status."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from westsuffolk_core import deadlines, table_schemas
from westsuffolk_core.dataset_fields import CATEGORY_FIELD

from .. import config, facets, transparency_status

__all__ = ["transparency_blueprint"]

transparency_blueprint = Blueprint("westsuffolk_transparency", __name__)

FREQUENCY_ORDER = ("quarterly", "annual", "once")
FREQUENCY_HEADINGS = {"quarterly": "Published every quarter", "annual": "Published every year",
                      "once": "Published once"}
DATASETS_SHOWN = 5  # the newest per requirement; the rest through a search link (years of returns add up)
FEED_STATUSES = (deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.LATE, deadlines.ON_TIME)
FEED_TITLES = {deadlines.OVERDUE: "overdue", deadlines.DUE_SOON: "due soon", deadlines.LATE: "published late",
               deadlines.ON_TIME: "published on time"}


def _grouped(datasets: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for dataset in datasets:  # newest first
        grouped[dataset.get(CATEGORY_FIELD)].append(dataset)
    return grouped


@transparency_blueprint.route("/transparency")
def index():
    datasets = transparency_status.public_code_datasets()
    grouped = _grouped(datasets)
    sections: dict[str, list[dict]] = defaultdict(list)
    for descriptor in table_schemas.list_schemas():
        code = descriptor.get("transparencyCode")
        if code:
            sections[code.get("frequency", "annual")].append(
                {"schema": descriptor, "obligation": code.get("obligation", ""), "paragraph": code.get("paragraph", ""),
                 "deadline_source": (code.get("deadline") or {}).get("source", ""),
                 "datasets": grouped.get(descriptor["name"], [])[:DATASETS_SHOWN],
                 "dataset_count": len(grouped.get(descriptor["name"], [])),
                 "search_url": tk.url_for("dataset.search", **{facets.TRANSPARENCY: descriptor["name"]})})
    ordered = [(FREQUENCY_HEADINGS.get(f, f), sections[f]) for f in FREQUENCY_ORDER if sections.get(f)]
    met = sum(1 for _, items in ordered for item in items if item["datasets"])
    total = sum(len(items) for _, items in ordered)
    status = transparency_status.report(datasets=datasets)
    rows = {frequency: [row for row in status.obligations if row.obligation.frequency == frequency]
            for frequency in FREQUENCY_ORDER}
    return tk.render("westsuffolk/transparency.html", {
        "sections": ordered, "met": met, "total": total, "status": status, "rows": rows,
        "labels": deadlines.STATUS_LABELS})


@transparency_blueprint.route("/transparency/status.atom")
def feed() -> Response:
    """One entry per return and status, newest first: a new entry appears when a return falls due, is
    published or becomes overdue, so a feed reader shows the change."""
    from feedgen.feed import FeedGenerator

    status = transparency_status.report()
    site = config.site_url()
    page = site + tk.url_for("westsuffolk_transparency.index")
    generator = FeedGenerator()
    generator.id(page)
    generator.title(f"{config.site_title()}: Transparency Code returns")
    generator.subtitle(" ".join(status.sentences()))
    generator.link(href=page, rel="alternate")
    generator.link(href=site + tk.url_for("westsuffolk_transparency.feed"), rel="self")
    generator.author({"name": config.site_title()})
    generator.language("en-GB")
    entries = []
    for obligation, cell in status.with_status(*FEED_STATUSES):
        if cell.published:
            happened = cell.published
        else:  # overdue from the day after its deadline; due soon from the day after its period
            happened = (cell.due if cell.status == deadlines.OVERDUE else cell.period.end) + dt.timedelta(days=1)
        entries.append((happened, obligation, cell))
    entries.sort(key=lambda entry: (entry[0], entry[1].title), reverse=True)
    for happened, obligation, cell in entries:
        entry = generator.add_entry(order="append")
        what = "one-off return" if obligation.frequency == deadlines.ONCE else cell.period.label
        entry.id(f"{page}#{obligation.name}/{cell.period.key}/{cell.status}")
        entry.title(f"{obligation.title}, {what}: {FEED_TITLES[cell.status]}")
        entry.link(href=f"{page}#obligation-{obligation.name}")
        entry.updated(dt.datetime.combine(happened, dt.time(), dt.timezone.utc))
        published = f" Published {deadlines.long_date(cell.published)}." if cell.published else ""
        entry.summary(f"{obligation.title} for {what}: {cell.label.lower()}. Due by {deadlines.long_date(cell.due)}."
                      f"{published}")
    generator.updated(dt.datetime.combine(status.today, dt.time(), dt.timezone.utc))
    return Response(generator.atom_str(pretty=True), mimetype="application/atom+xml")
