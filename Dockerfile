# Production image: the same commands the test suite runs natively (gunicorn, celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint needs Pango; the PDF reports embed DejaVu Sans (fonts-dejavu-core).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY core ./core
COPY commissioning ./commissioning
COPY cohorts ./cohorts
COPY supervision ./supervision
COPY outcomes ./outcomes
COPY fidelity ./fidelity
COPY reports ./reports
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install --no-cache-dir . \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

# Produced reports live in /data/media (a volume shared by web and worker).
RUN useradd --create-home launchpad && mkdir -p /data/media && chown launchpad /data/media
USER launchpad
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
