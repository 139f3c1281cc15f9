"""Workerbot runtime: settings, the `workerbot` CLI, app assembly and transports."""
