"""``banns money``: the business case, shares, what-if, results and benefits from the shell. Every figure has
``--json``. Registered through the ``banns.commands`` entry point group."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ..engine.errors import N_, InvalidError
from ..engine.permissions import SYSTEM, Actor
from ..engine.text import check_day, single_line
from ..engine.yamlsource import read_source
from ..money import years as fy
from ..money.figures import REQUIREMENTS
from ..money.pounds import parse_pounds
from ..money.results import Results
from ..money.service import Finances
from ..records.raid import RaidLog
from .gate import by_option
from .support import PROGRAMME_ID, BannsGroup, Context, pass_context
from .words import _, error, reason


class Pounds(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """An amount in pounds and pence, read as an exact decimal."""

    name = "POUNDS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        try:
            return parse_pounds(str(value))
        except InvalidError as exc:
            self.fail(error(exc), param, ctx)


POUNDS = Pounds()
json_option = click.option("--json", "as_json", is_flag=True, help=N_("Print as JSON (money as text with pence)."))


def finances(ctx: Context) -> Finances:
    return Finances(ctx.programmes.db, ctx.programmes.registry)


def share(value: Decimal | str) -> str:
    """A share in percent, printed with the same four places in text and JSON."""
    return f"{Decimal(str(value)):.4f}"


def partner_id(ctx: Context, programme_id: int, partner: str, actor: Actor = SYSTEM) -> int:
    view = ctx.programmes.get(programme_id, actor)
    for p in view.partners:
        if partner in (str(p.id), p.name):
            return p.id
    names = ", ".join(f"{p.id} ({p.name})" for p in view.partners)
    raise click.BadParameter(_("no partner '{partner}'; partners: {partners}", partner=partner, partners=names))


@click.group(cls=BannsGroup, help=N_("Money: business case, cost sharing, the pre-nup, results and benefits."))
def money() -> None:
    pass


@money.command(
    "results", help=N_("Costs, savings, net and cumulative position by year; payback; NPV at 3.5%; sensitivity.")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@json_option
@by_option
@pass_context
def results_command(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    r = finances(ctx).results(programme_id, actor=ctx.actor(by))
    if as_json:
        from ..shapes.money import Results as Shaped
        from .shaped import echo_shaped

        echo_shaped(Shaped, r)
        return
    _print_results(r)


@money.command("shares", help=N_("The splits in force: each partner's share of costs, and of each service's savings."))
@click.argument("programme_id", type=PROGRAMME_ID)
@json_option
@by_option
@pass_context
def shares_command(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    splits = finances(ctx).splits(programme_id, actor=ctx.actor(by))
    if as_json:
        from ..shapes.money import Split
        from .shaped import echo_shaped_list

        echo_shaped_list(Split, splits)
        return
    for s in splits:
        said = _("({basis}; re-true above {threshold} points)", basis=error(s.basis), threshold=s.threshold)
        title = s.service or _("Programme costs")
        click.echo(f"{title} {said}")
        for name, value in s.shares.items():
            click.echo(f"  {share(value):>9}%  {name}")


@money.command(
    "what-if", help=N_("What PARTNER (id or name) would owe if it withdrew today, and how everyone's shares change.")
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("partner")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help=N_("Withdrawal date (default: today)."))
@json_option
@by_option
@pass_context
def what_if_command(ctx: Context, programme_id: int, partner: str, on: Any, as_json: bool, by: str | None) -> None:
    day = check_day(on.date(), "on", "--on") if on else None
    actor = ctx.actor(by)
    result = finances(ctx).what_if(programme_id, partner_id(ctx, programme_id, partner, actor), day, actor=actor)
    if as_json:
        from ..shapes.money import WhatIf
        from .shaped import echo_shaped

        echo_shaped(WhatIf, result)
        return
    owed = result.liability
    total = f"{owed.total:,.2f}"
    click.echo(
        _(
            "If {partner} withdrew at '{stage}' it would owe £{total}:",
            partner=owed.partner,
            stage=owed.stage,
            total=total,
        )
    )
    for line in owed.explanation:
        click.echo(f"  - {error(line)}")
    changes = "; ".join(
        f"{n} {share(result.shares_before[n])}% -> {share(result.shares_after.get(n, Decimal(0)))}%"
        for n in result.shares_before
    )
    click.echo(_("Shares: {changes}", changes=changes))


@money.command("status", help=N_("Whether the figures meet a gate requirement."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("requirement", type=click.Choice(REQUIREMENTS))
@json_option
@by_option
@pass_context
def status_command(ctx: Context, programme_id: int, requirement: str, as_json: bool, by: str | None) -> None:
    met, detail = finances(ctx).status(programme_id, requirement, actor=ctx.actor(by))
    click.echo(
        json.dumps({"requirement": requirement, "met": met, "detail": str(detail)}, indent=2)
        if as_json
        else (_("met: {detail}", detail=error(detail)) if met else _("NOT met: {detail}", detail=error(detail)))
    )


@money.command("benefits", help=N_("Actual savings against plan by year, with variance, and delivery confidence."))
@click.argument("programme_id", type=PROGRAMME_ID)
@json_option
@by_option
@pass_context
def benefits_command(ctx: Context, programme_id: int, as_json: bool, by: str | None) -> None:
    report = finances(ctx).benefits(programme_id, actor=ctx.actor(by))
    if as_json:
        from ..shapes.money import Actuals
        from .shaped import echo_shaped

        echo_shaped(Actuals, report)
        return
    for v in report.by_year:
        actual = f"£{v.actual:>14,.2f}" if v.actual is not None else format(_("not recorded"), ">15")
        planned = f"{v.planned:>14,.2f}"
        said = f"{v.label}  " + _("plan £{planned}  actual {actual}", planned=planned, actual=actual) + "  "
        if v.variance is not None:
            said += _(
                "variance £{variance} ({percent}%)", variance=format(v.variance, ",.2f"), percent=v.variance_percent
            )
        click.echo(said)
    if report.latest:
        latest = report.latest
        said = _(
            "Delivery confidence ({period}): {rating} - {commentary}",
            period=latest.period,
            rating=latest.rating,
            commentary=latest.commentary,
        )
        click.echo(said)


@money.command("highlight", help=N_("The steering group's highlight report for a period."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.option("--period", required=True, help=N_("The reporting period, like 2027-28 Q1."))
@json_option
@by_option
@pass_context
def highlight_command(ctx: Context, programme_id: int, period: str, as_json: bool, by: str | None) -> None:
    period = single_line(period, "period", "The period")
    actor = ctx.actor(by)
    view = ctx.programmes.get(programme_id, actor)
    unmet = tuple(reason(r) for r in view.gate.report.unmet) if view.gate else ()
    report = finances(ctx).highlight(programme_id, period, unmet, actor=actor)
    risks = RaidLog(ctx.programmes.db, ctx.programmes.registry, ctx.programmes.clock).top_risks(programme_id, actor)
    if as_json:
        from ..shapes.money import Highlight
        from ..shapes.programmes import fields_of
        from .shaped import echo_shaped

        echo_shaped(Highlight, {**fields_of(report), "top_risks": risks})
        return
    _print_highlight(report)
    for r in risks:
        click.echo(
            _(
                "  risk: {title} - {rating} ({band}), owner {owner}",
                title=r.title,
                rating=r.rating,
                band=r.band,
                owner=r.owner_name,
            )
        )
    for item in report.waiting_on:
        click.echo(_("  waiting: {item}", item=item))


def _print_highlight(report: Any) -> None:
    rating = report.confidence.rating if report.confidence else _("not rated")
    click.echo(
        _(
            "{programme}: highlight report {period} (as of {as_of})",
            programme=report.programme,
            period=report.period,
            as_of=report.as_of,
        )
    )
    click.echo(_("  overall: {rating}", rating=rating))
    late = _(", {days} days past its planned end", days=report.days_late) if report.days_late else ""
    click.echo(_("  stage: {stage}", stage=report.stage_title) + late)
    spent, invest = f"{report.costs_incurred_to_date:,.2f}", f"{report.planned_investment_to_date:,.2f}"
    click.echo(_("  cost to date: £{spent} of £{planned} planned", spent=spent, planned=invest))
    saved, planned = f"{report.actual_savings_to_date:,.2f}", f"{report.planned_savings_to_date:,.2f}"
    click.echo(_("  savings to date: £{saved} of £{planned} planned", saved=saved, planned=planned))


@money.command("cost", help=N_("Record money spent on the programme (counts towards costs incurred to date)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("on", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("category")
@click.argument("amount", type=POUNDS)
@click.option("--note", default="")
@by_option
@pass_context
def cost_command(
    ctx: Context, programme_id: int, on: Any, category: str, amount: Decimal, note: str, by: str | None
) -> None:
    day = check_day(on.date(), "on", "The date")
    total = finances(ctx).record_cost(
        programme_id, day, single_line(category, "category"), amount, note, actor=ctx.actor(by)
    )
    click.echo(
        _(
            "Recorded £{amount}; costs incurred to date £{total}",
            amount=format(amount, ",.2f"),
            total=format(total, ",.2f"),
        )
    )


@money.command("actual", help=N_("Record the savings SERVICE actually made in financial YEAR (e.g. 2028-29)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("year")
@click.argument("service")
@click.argument("amount", type=POUNDS)
@by_option
@pass_context
def actual_command(ctx: Context, programme_id: int, year: str, service: str, amount: Decimal, by: str | None) -> None:
    v = finances(ctx).record_actual(
        programme_id, fy.parse(year), single_line(service, "service"), amount, actor=ctx.actor(by)
    )
    figures = {"planned": f"{v.planned:,.2f}", "actual": f"{amount:,.2f}", "variance": f"{v.variance:,.2f}"}
    click.echo(f"{v.label} {service}: " + _("plan £{planned}, actual £{actual}, variance £{variance}", **figures))


@money.command("confidence", help=N_("Record delivery confidence for a period (five-point Gateway scale or RAG)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("period")
@click.argument("rating")
@click.option("--commentary", required=True)
@click.option("--scale", type=click.Choice(["gateway", "rag"]), help=N_("Switch the programme's scale."))
@by_option
@pass_context
def confidence_command(
    ctx: Context, programme_id: int, period: str, rating: str, commentary: str, scale: str | None, by: str | None
) -> None:
    period, rating = single_line(period, "period"), single_line(rating, "rating")
    c = finances(ctx).record_confidence(programme_id, period, rating, commentary, scale, actor=ctx.actor(by))
    click.echo(f"{c.period}: {c.rating} ({c.scale})")


@money.command(
    "import",
    help=N_(
        "Import money figures from a YAML file (what `banns money export` prints).\n\nThe sections "
        "the file names are merged line by line: a line it has is added or changed, a line it "
        "does not name is kept. With --replace the file becomes all the figures: what it lacks is"
        " listed first and removed only once confirmed (or with --yes)."
    ),
)
@click.argument("programme_id", type=PROGRAMME_ID)
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--replace", is_flag=True, help=N_("The file's figures replace all of the programme's (lists what goes).")
)
@click.option("--yes", is_flag=True, help=N_("With --replace: remove what it lists without asking."))
@by_option
@pass_context
def import_command(ctx: Context, programme_id: int, file: Path, replace: bool, yes: bool, by: str | None) -> None:
    text, actor = read_source(file), ctx.actor(by)
    plan = finances(ctx).plan_import(programme_id, text, str(file), replace=replace, actor=actor)
    if plan.removals:
        click.echo(_("Replacing the figures removes {count} line(s):", count=len(plan.removals)))
        for r in plan.removals:
            click.echo(f"  - {error(r.line)}")
        if not yes and not click.confirm(_("Remove them?"), default=False, err=True):
            raise click.ClickException(_("nothing imported: run again with --yes to remove the lines listed"))
    finances(ctx).import_figures(
        programme_id, text, str(file), actor=actor, replace=replace, expected_version=plan.version
    )
    named = ", ".join(s.replace("_", " ") for s in plan.sections) or _("nothing")
    how = _("replaced all figures") if replace else _("changed only what it names")
    click.echo(_("Imported {file} ({how}): {sections}", file=file.name, how=how, sections=named))


@money.command("export", help=N_("Print the programme's money figures as YAML (what `banns money import` reads)."))
@click.argument("programme_id", type=PROGRAMME_ID)
@by_option
@pass_context
def export_command(ctx: Context, programme_id: int, by: str | None) -> None:
    click.echo(finances(ctx).export_figures(programme_id, actor=ctx.actor(by)), nl=False)


def _print_results(r: Results) -> None:
    heads = (_("Investment"), _("Savings"), _("Net"), _("Cumulative"), _("Present value"))
    click.echo(format(_("Year"), "8") + " " + " ".join(f"{h:>15}" for h in heads))
    for y in r.years:
        click.echo(
            f"{y.label:8} {y.investment:>15,.2f} {y.savings:>15,.2f} {y.net:>15,.2f} {y.cumulative:>15,.2f} "
            f"{y.present_value:>15,.2f}"
        )
    payback = (
        _("{year} (year {years})", year=fy.label(r.payback_year), years=r.payback_years)
        if r.payback_year is not None
        else _("none")
    )
    click.echo(
        _(
            "Payback: {payback}; NPV at {rate}%: £{npv}",
            payback=payback,
            rate=r.discount_rate * 100,
            npv=format(r.npv, ",.2f"),
        )
    )
    for s in r.sensitivity:
        pb = fy.label(s.payback_year) if s.payback_year is not None else _("none")
        figures = {"net": f"{s.total_net:,.2f}", "payback": pb, "npv": f"{s.npv:,.2f}"}
        click.echo(f"  {s.title}: " + _("net £{net}, payback {payback}, NPV £{npv}", **figures))
    for name, (costs, savings, net) in r.partner_totals().items():
        figures = {"costs": f"{costs:,.2f}", "savings": f"{savings:,.2f}", "net": f"{net:,.2f}"}
        click.echo(f"  {name}: " + _("costs £{costs}, savings £{savings}, net £{net}", **figures))
