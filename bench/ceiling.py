"""The ceiling: a bare Flask app answering a small fixed JSON object, run like the service."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():  # type: ignore[no-untyped-def]
    return jsonify(status="ok", service="ceiling")
