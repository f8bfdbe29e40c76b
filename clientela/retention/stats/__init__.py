"""Pure statistics of the retention engine: numpy and scipy only, no Django.

Modules: ``summary`` (transactions to (x, t_x, T), compression to distinct rows), ``bgnbd``,
``mbgnbd`` (BG/NBD with a dropout chance right after the first purchase too), ``paretonbd``,
``gammagamma`` (spend and CLV), ``rfm`` (scores, segments, fit readiness) and ``rhythm``
(overdue against a customer's own rhythm). Every fit works on distinct (x, t_x, T) rows with
integer weights; results are frozen dataclasses.
"""
