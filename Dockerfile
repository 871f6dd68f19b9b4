# Small, non-root image that serves the API with gunicorn.
FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml constraints.txt README.md gunicorn_worker.py ./
COPY service ./service
RUN pip install --no-cache-dir --prefix=/install -c constraints.txt .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=build /install /usr/local
COPY alembic.ini gunicorn.conf.py ./
COPY migrations ./migrations
COPY seed ./seed
RUN useradd --create-home --uid 10001 backcare \
    && mkdir -p /app/var/media && chown -R backcare /app/var
USER backcare
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "service:create_app()"]
