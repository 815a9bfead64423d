/* bindgen stand-in */
