/*
 * rng.h: the tests' own random numbers, seeded by setting rng_state: a
 * splitmix64 draw mapped to [0, 1).  Independent of the library's, so a
 * change there cannot move what the tests generate.
 */
#ifndef SLANT_TEST_RNG_H
#define SLANT_TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

#endif /* SLANT_TEST_RNG_H */
