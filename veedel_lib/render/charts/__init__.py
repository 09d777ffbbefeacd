"""The report's charts: the contract (:mod:`.base`), what they draw with (:mod:`.drawing`) and the chart families
(:mod:`.trends`, :mod:`.positions`, :mod:`.effects`, :mod:`.plans`; the maps in :mod:`veedel_lib.render.maps`).
Every chart is listed in :mod:`.registry`."""
