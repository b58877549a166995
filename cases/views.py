from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Case, Figure


def home(request):
    return render(request, "cases/home.html", {})


def browse(request):
    return render(request, "cases/browse.html", {})


def case_permalink(request, pk: int):
    case = get_object_or_404(Case.objects.visible_to(request.user).only("pk", "slug"), pk=pk)
    return redirect(case)


def case_detail(request, pk: int, slug: str):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    return render(request, "cases/case_detail.html", {"case": case})


def figure_thumbnail(request, pk: int):
    figure = get_object_or_404(
        Figure.objects.filter(study__case__in=Case.objects.visible_to(request.user)), pk=pk
    )
    if not figure.is_ready:
        raise Http404("This image is not ready.")
    return FileResponse(figure.thumbnail.open("rb"), content_type="image/jpeg")
