"""Airflow DAG that runs revrec unattended.

`revrec pipeline` decides itself which extracts and exports are due, so the DAG can run often; the period close is a
separate, manually triggered DAG because finance decides when a month is closed.

Exit codes (read by BashOperator: non-zero fails the task):
  0 success (warnings included), 1 a step failed, 2 configuration error, 3 another run holds the warehouse.
Logs are JSON lines with invocation_id, step, node and timing; Airflow keeps them with the task log.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

REVREC = "cd /opt/revrec && ./node_modules/.bin/revrec"
ENV = {
    "REVREC_INBOX": "/data/revrec/inbox",
    "REVREC_OUTBOX": "/data/revrec/outbox",
    "REVREC_WAREHOUSE": "/data/revrec/revrec.duckdb",
    "REVREC_HOME_CURRENCY": "USD",
    "REVREC_FIRST_PERIOD": "202401",
    # Credentials come from Airflow connections/variables, never from files in the repo, e.g.:
    # "AWS_ACCESS_KEY_ID": "{{ conn.revrec_s3.login }}",
    # "AWS_SECRET_ACCESS_KEY": "{{ conn.revrec_s3.password }}",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}

default_args = {
    "owner": "finance-data",
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
}

with DAG(
    dag_id="revrec_pipeline",
    description="Extract due files, build the revenue warehouse, run the data tests, export, publish",
    start_date=datetime(2024, 1, 1),
    schedule="*/30 * * * *",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["finance", "revrec"],
) as pipeline_dag:
    BashOperator(
        task_id="pipeline",
        bash_command=f"{REVREC} pipeline --log-format json",
        env=ENV,
        append_env=True,
    )

with DAG(
    dag_id="revrec_period_close",
    description="Check and close the current accounting period, then write the close-period export",
    start_date=datetime(2024, 1, 1),
    schedule=None,  # triggered by finance
    catchup=False,
    max_active_runs=1,
    default_args={**default_args, "retries": 0},
    tags=["finance", "revrec"],
) as close_dag:
    check = BashOperator(task_id="check", bash_command=f"{REVREC} period check --log-format json", env=ENV, append_env=True)
    close = BashOperator(task_id="close", bash_command=f"{REVREC} period close --log-format json", env=ENV, append_env=True)
    check >> close
