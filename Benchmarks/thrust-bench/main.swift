import ThrustJWT
