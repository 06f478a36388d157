/* Elementary functions over the vector layer (include after vec_avx2.h or vec_avx512.h). */
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
#endif
