#!/usr/bin/env bash
# Makes a small scratch git repository (a toy Python service) for the example plans to change.
# Usage: scratch-repo.sh DIR
set -euo pipefail
dir=${1:?usage: scratch-repo.sh DIR}
rm -rf "$dir"
mkdir -p "$dir/app"
cd "$dir"
git init -q -b main
git config user.name "waveplan example"
git config user.email "example@waveplan.invalid"
cat > app/models.py <<'PY'
from sqlalchemy import Column, DateTime, Integer, String

class User:
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String, unique=True)
    password_hash = Column(String)
PY
echo "fastapi==0.115.0" > requirements.txt
printf '# Toy service\n\nA scratch repository for the waveplan examples.\n' > README.md
printf 'WAVE_0_CHECKPOINT.txt\n__pycache__/\n' > .gitignore
git add -A
git commit -qm "initial toy service"
