"""The read side across programmes: the portfolio (search, filters, pages and its dashboard) and my work."""

from .dashboard import Dashboard, DatedProgramme, Listed, StageCount
from .facts import DueSignOff, LifecycleInUse, MyWork, PortfolioPage, PortfolioRow, ReadyGate
from .query import NO_VALUE, SORTS, STATUSES, PortfolioColumn, PortfolioQuery, portfolio_columns
from .service import Portfolio
from .work import Paged

__all__ = [
    "NO_VALUE",
    "SORTS",
    "STATUSES",
    "Dashboard",
    "DatedProgramme",
    "DueSignOff",
    "LifecycleInUse",
    "Listed",
    "MyWork",
    "Paged",
    "Portfolio",
    "PortfolioColumn",
    "PortfolioPage",
    "PortfolioQuery",
    "PortfolioRow",
    "ReadyGate",
    "StageCount",
    "portfolio_columns",
]
