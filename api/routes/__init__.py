"""One APIRouter per area; api.app includes them all."""
