"""Files in and out: data editions, scenario files, exports, provenance."""
