/* Elementary functions over the vector layer (include after simd/vec.h). */
#ifndef GD_VEC_MATH_H
#define GD_VEC_MATH_H

/*
 * e^x, Cephes expf's range reduction and polynomial: x = n ln2 + r with
 * |r| <= ln2/2, e^r by a degree-7 polynomial, then scaled by 2^n. Within
 * 2 ulp of expf on [-87.3, 88.4]; below -87.3 it returns e^-87.3 (~1e-38,
 * the smallest normal: softmax terms that small add nothing), above 88.4
 * e^88.4 (~FLT_MAX). NaN stays NaN: each clamp passes x as the operand that
 * wins on NaN.
 */
VINL vf vexp(vf x)
{
	x = vmin(vset1(88.3762626647949f), x);
	x = vmax(vset1(-87.3365447504f), x);
	vf n = vround(vmul(x, vset1(1.44269504088896341f)));
	vf r = vfnma(n, vset1(0.693359375f), x);
	r = vfnma(n, vset1(-2.12194440e-4f), r);
	vf p = vset1(1.9875691500e-4f);
	p = vfma(p, r, vset1(1.3981999507e-3f));
	p = vfma(p, r, vset1(8.3334519073e-3f));
	p = vfma(p, r, vset1(4.1665795894e-2f));
	p = vfma(p, r, vset1(1.6666665459e-1f));
	p = vfma(p, r, vset1(5.0000001201e-1f));
	vf y = vfma(vmul(p, r), r, vadd(r, vset1(1.0f)));
	return vpow2n(y, n);
}

/*
 * log(1 + e) for e in [0, 1], as 2 atanh(s) with s = e / (2 + e) in
 * [0, 1/3]: atanh's series to s^15, whose next term is below 1.4e-9 of
 * the sum. Accurate in relative terms down to e = 0 (it is s times a series
 * starting at 1), where log(1 + e) would round 1 + e: within 2.3e-7 of
 * log1p in double, relative, at k / 2^24 for k = 0 .. 2^24 and at 2^-1 ..
 * 2^-17 (AVX2). For the logistic loss's softplus, log1p(e^-|z|).
 */
VINL vf vlog1p01(vf e)
{
	vf s = vdiv(e, vadd(e, vset1(2.0f)));
	vf s2 = vmul(s, s);
	vf p = vset1(1.0f / 15);
	p = vfma(p, s2, vset1(1.0f / 13));
	p = vfma(p, s2, vset1(1.0f / 11));
	p = vfma(p, s2, vset1(1.0f / 9));
	p = vfma(p, s2, vset1(1.0f / 7));
	p = vfma(p, s2, vset1(1.0f / 5));
	p = vfma(p, s2, vset1(1.0f / 3));
	p = vfma(p, s2, vset1(1.0f));
	return vmul(vadd(s, s), p);
}
#endif
