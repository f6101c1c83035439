"""A ``Storage`` in S3-compatible object storage (AWS S3, MinIO, Garage, Ceph …)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from gallery.storage.store import StorageError, check_key


class S3Storage:
    """Keys become objects under an optional prefix in one bucket."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        """Remember where the bucket is; the client is made on first use (see ``client``)."""
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._settings = {
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "aws_access_key_id": access_key or None,
            "aws_secret_access_key": secret_key or None,
        }
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        """Return the boto3 client, made on first use; credentials fall back to boto3's sources.

        Importing boto3 and making a client takes longer than building the whole app, which
        every command and server worker does, whether or not it ever touches a file.
        """
        if self._client is None:
            # Locked: boto3's default session is not safe to make clients from two threads.
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    self._client = boto3.client(
                        "s3",
                        **self._settings,
                        config=Config(retries={"max_attempts": 5, "mode": "standard"}),
                    )
        return self._client

    def _name(self, key: str) -> str:
        """Return the object name of ``key``."""
        return self.prefix + check_key(key)

    def write(self, key: str, data: bytes) -> None:
        """Upload ``data``; a PUT is atomic for readers of S3."""
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def read(self, key: str) -> bytes:
        """Download ``key``."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise StorageError(f"missing: {key}") from exc
        return response["Body"].read()

    def _head(self, key: str) -> dict | None:
        """Return the object's metadata, or None when it does not exist."""
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` is stored."""
        return self._head(key) is not None

    def delete(self, key: str) -> None:
        """Delete ``key`` (S3 deletes of missing objects succeed)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Yield every stored key under ``prefix``, sorted as S3 lists them."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def age_seconds(self, key: str) -> float:
        """Return seconds since ``key`` was written."""
        head = self._head(key)
        if head is None:
            raise StorageError(f"missing: {key}")
        return time.time() - head["LastModified"].timestamp()

    def size(self, key: str) -> int:
        """Return the size of ``key`` in bytes."""
        head = self._head(key)
        if head is None:
            raise StorageError(f"missing: {key}")
        return int(head["ContentLength"])

    def bucket_exists(self) -> bool:
        """Tell whether the bucket exists (raise when the store cannot say, e.g. no access)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket", "NotFound"):
                return False
            raise
        return True

    def create_bucket(self) -> None:
        """Create the bucket, in the client's region (AWS wants it named outside us-east-1)."""
        region = self.client.meta.region_name
        options = {}
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        self.client.create_bucket(Bucket=self.bucket, **options)
