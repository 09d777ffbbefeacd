"""veedel_lib: analysis and reporting helpers for the Cologne programme "Lebenswerte Veedel".

Data flows one way through the modules: readers -> validation -> dataset -> indicators ->
comparison / trends / evaluation -> figures / text -> report -> publish -> archive.
See docs/architektur.md for the reason behind each module.
"""

__version__ = "0.1.0"
