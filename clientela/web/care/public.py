"""The client's rating page: reached from the closing message, without login."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from clientela.care.services.rating import SCORES, rating_lookup, rating_record


def rate(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """GET shows the chosen score and one button; only the POST writes the rating."""
    rating = rating_lookup(token)
    if rating is None or score not in SCORES:
        raise Http404
    case = rating.case
    with translation.override(case.language):
        context = {"case": case, "shop": case.workspace, "score": score, "scores": list(SCORES)}
        if rating.rated_at is not None:
            context["already"] = True
        elif request.method == "POST":
            chosen = request.POST.get("score", "")
            chosen_score = int(chosen) if chosen.isdigit() and int(chosen) in SCORES else score
            context["done"] = rating_record(rating=rating, score=chosen_score)
            context["already"] = not context["done"]
            context["score"] = chosen_score
        return render(request, "web/care/rate.html", context)
