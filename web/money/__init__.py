"""The money's pages: the business case, results and what-if, the highlight report (page, chart and PDF), and entering
the figures by forms and spreadsheets."""
