"""The FastAPI original: the tutorial's service, as its readers would write it.

This is the reference the benchmark measures async-demo against. It follows the
tutorial "Async Programming: Handling Thousands of Requests Efficiently" and the
idioms of its stack, with nothing tuned for the benchmark:

- FastAPI on uvicorn (uvloop, httptools), run with as many workers as async-demo;
- SQLAlchemy's asyncio extension with asyncpg (PostgreSQL) or aiosqlite (SQLite),
  one AsyncSession per request through a dependency;
- httpx.AsyncClient for the outbound calls, run concurrently with asyncio.gather.

It serves the operations the benchmark loads, with the same paths, status codes
and JSON shapes as openapi.yaml: GET /, GET /async-delay/{seconds},
POST /users/, GET /users/{user_email} and GET /fetch-external-data.

Settings come from the environment:
  DATABASE_URL        sqlite+aiosqlite:///path.db or postgresql+asyncpg://...
  DB_POOL_SIZE        connections per worker (PostgreSQL), as async-demo's setting
  EXTERNAL_API_URLS   comma-separated URLs for /fetch-external-data
"""

import asyncio
import os
import time
from datetime import datetime, timezone

import httpx
from fastapi import Depends, FastAPI, HTTPException, Path
from pydantic import BaseModel, Field
from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.pool import AsyncAdaptedQueuePool

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./fastapi-original.db")
DB_POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "4"))
EXTERNAL_API_URLS = [u for u in os.environ.get("EXTERNAL_API_URLS", "").split(",") if u]

# A pooled engine for both databases, as its best users configure it: SQLAlchemy 1.4's default for an
# aiosqlite file is NullPool, a new SQLite connection per session (562 req/s on GET /users/{email}
# here, against about 1,500 pooled); bench.py fits DB_POOL_SIZE to the HTTP connections per worker.
engine = create_async_engine(DATABASE_URL, poolclass=AsyncAdaptedQueuePool, pool_size=DB_POOL_SIZE, max_overflow=0,
                             pool_timeout=30)
SessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
Base = declarative_base()


class UserRow(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(254), unique=True, nullable=False, index=True)
    full_name = Column(String(100), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class UserCreate(BaseModel):
    email: str = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=100)


class User(BaseModel):
    id: int
    email: str
    full_name: str
    created_at: datetime

    class Config:
        orm_mode = True


http_client: httpx.AsyncClient | None = None


app = FastAPI(title="async-demo (FastAPI original)")


@app.on_event("startup")
async def startup():
    global http_client
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    http_client = httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(max_connections=64))


@app.on_event("shutdown")
async def shutdown():
    await http_client.aclose()
    await engine.dispose()


async def get_db():
    async with SessionLocal() as session:
        yield session


@app.get("/")
async def read_root():
    return {
        "message": "Welcome to async-demo: the FastAPI async tutorial's service, spec-first in C",
        "docs": "/docs",
        "redoc": "/redoc",
        "openapi": "/openapi.json",
    }


@app.get("/async-delay/{seconds}")
async def async_delay(seconds: float = Path(ge=0, le=60)):
    start = time.monotonic()
    await asyncio.sleep(seconds)
    actual = round(time.monotonic() - start, 3)
    return {
        "message": f"Waited {seconds:g} s without blocking the event loop",
        "requested_seconds": seconds,
        "actual_seconds": actual,
        "blocking": False,
    }


@app.post("/users/", status_code=201, response_model=User)
async def create_user(user: UserCreate, db: AsyncSession = Depends(get_db)):
    row = UserRow(email=user.email, full_name=user.full_name, created_at=datetime.now(timezone.utc))
    db.add(row)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise HTTPException(status_code=409, detail="Email already registered")
    return row


@app.get("/users/{user_email}", response_model=User)
async def get_user(user_email: str, db: AsyncSession = Depends(get_db)):
    result = await db.execute(select(UserRow).where(UserRow.email == user_email))
    row = result.scalar_one_or_none()
    if row is None:
        raise HTTPException(status_code=404, detail="User not found")
    return row


async def fetch_one(url: str):
    start = time.monotonic()
    try:
        response = await http_client.get(url)
        data = response.json()
        error = None if response.is_success else f"HTTP {response.status_code}"
        status = response.status_code
    except (httpx.HTTPError, ValueError) as exc:
        data, error, status = None, str(exc) or type(exc).__name__, None
    return {
        "url": url,
        "status": status,
        "elapsed_ms": round((time.monotonic() - start) * 1000, 3),
        "data": data,
        "error": error,
    }


@app.get("/fetch-external-data")
async def fetch_external_data():
    start = time.monotonic()
    sources = await asyncio.gather(*(fetch_one(url) for url in EXTERNAL_API_URLS))
    succeeded = sum(1 for s in sources if s["error"] is None)
    return {
        "sources": sources,
        "total_elapsed_ms": round((time.monotonic() - start) * 1000, 3),
        "succeeded": succeeded,
        "failed": len(sources) - succeeded,
    }
